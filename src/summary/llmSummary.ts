import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { Citation } from '../answer/types.js';
import type { LlmConfig } from '../llm/config.js';
import { validateCitations } from '../llm/citations.js';
import { invokeChat } from '../llm/invoke.js';
import { summaryMapMessages, summaryMessages, summaryReduceMessages, type NumberedPassage } from '../llm/prompts.js';
import { detectLanguage } from '../text/language.js';
import { splitSentences } from '../text/sentences.js';
import type { CandidateSentence } from './candidates.js';
import { display } from './render.js';
import type { SummaryConfig } from './config.js';
import type { SummaryUnit } from './extractive.js';
import type { LlmSummaryWriter, ProgressFn } from './summarizer.js';
import type { SummaryRequest, SummaryResult } from './types.js';

/**
 * LLM summaries through LangChain. The model sees numbered source SENTENCES (not chunks), so each `[n]` it
 * writes points at one exact sentence and becomes a citation of the same shape as extractive ones.
 * A briefing that fits one prompt is summarised in one call; a larger one map-reduces: notes per batch of
 * sentences (global numbers kept), then one call that writes the summary from the notes.
 * Any failure throws, and the summarizer falls back to the extractive summary with a notice.
 */
export class SummaryGenerationError extends Error {
  override name = 'SummaryGenerationError';
}

const MARKERS = /\[(\d+(?:\s*,\s*\d+)*)\]/g;

/** `[n]` numbers in a text. */
function markerNumbers(text: string): number[] {
  return [...text.matchAll(MARKERS)].flatMap((m) => m[1].split(',').map((x) => Number(x.trim())));
}

/** Drops markers outside `allowed`, then statements left with none: every statement kept is cited. */
export function keepCitedStatements(text: string, allowed: (n: number) => boolean): string {
  const cleaned = text.replace(MARKERS, (_m, list: string) => {
    const kept = list.split(',').map((x) => Number(x.trim())).filter(allowed);
    return kept.length ? `[${kept.join(', ')}]` : '';
  });
  // "Claim. [1]" → "Claim [1]." so the marker stays with its sentence.
  const attached = cleaned.replace(/([.!?])((?:\s*\[\d+(?:,\s*\d+)*\])+)/g, '$2$1');
  const paragraphs = attached.split(/\n\s*\n/).map((paragraph) =>
    paragraph
      .split('\n')
      .map((line) => {
        if (/^\s*[-*•]\s/.test(line)) return markerNumbers(line).length ? line.trim().replace(/^[*•]/, '-') : '';
        const spans = splitSentences(line);
        return spans.map((s) => line.slice(s.start, s.end)).filter((s) => markerNumbers(s).length > 0).join(' ');
      })
      .filter(Boolean)
      .join('\n'),
  );
  return paragraphs.filter(Boolean).join('\n\n').trim();
}

export class LangChainSummaryWriter implements LlmSummaryWriter {
  readonly identity: string;

  constructor(
    private readonly model: BaseChatModel,
    private readonly llm: LlmConfig,
    private readonly config: SummaryConfig,
  ) {
    this.identity = `llm:${llm.provider}:${llm.model}`;
  }

  async summarize(units: SummaryUnit[], req: SummaryRequest, onProgress?: ProgressFn): Promise<Omit<SummaryResult, 'cached'>> {
    const budget = Math.min(this.config.llmChunkChars, this.llm.contextChars);
    // Number the sentences newest document first and cut them into prompt-sized batches.
    const numbered: CandidateSentence[] = [];
    const batches: NumberedPassage[][] = [[]];
    let batchChars = 0;
    const included = new Set<string>();
    outer: for (const unit of units) {
      for (const c of unit.candidates) {
        if (batchChars + c.text.length > budget && batches[batches.length - 1].length > 0) {
          if (batches.length >= this.config.llmMaxMapCalls) break outer;
          batches.push([]);
          batchChars = 0;
        }
        numbered.push(c);
        batches[batches.length - 1].push({ n: numbered.length, text: display(c.text) });
        batchChars += c.text.length;
        included.add(unit.doc.source);
      }
    }
    if (numbered.length === 0) throw new SummaryGenerationError('nothing to summarise');
    const language = req.lang ?? detectLanguage(numbered.slice(0, 20).map((c) => c.text).join(' '));
    const timeout = this.llm.timeoutMs;

    let text: string;
    if (batches.length === 1) {
      onProgress?.(0, 1);
      text = await invokeChat(this.model, summaryMessages(batches[0], req.style, language, req.topic), timeout);
      onProgress?.(1, 1);
    } else {
      const notes: string[] = [];
      const total = batches.length + 1;
      for (const [i, batch] of batches.entries()) {
        onProgress?.(i, total);
        const first = batch[0].n;
        const last = batch[batch.length - 1].n;
        const raw = await invokeChat(this.model, summaryMapMessages(batch, language, req.topic), timeout);
        // Notes must cite their own batch; a note citing nothing valid is dropped.
        const kept = keepCitedStatements(raw, (n) => n >= first && n <= last);
        if (kept) notes.push(...kept.split('\n').filter((l) => l.trim()));
      }
      if (notes.length === 0) throw new SummaryGenerationError('the model wrote no cited notes');
      onProgress?.(batches.length, total);
      const cited = new Set(notes.flatMap(markerNumbers));
      text = keepCitedStatements(await invokeChat(this.model, summaryReduceMessages(notes, req.style, language, req.topic), timeout), (n) => cited.has(n));
      onProgress?.(total, total);
    }

    const statements = keepCitedStatements(text, (n) => n >= 1 && n <= numbered.length);
    const { text: summary, used } = validateCitations(statements, numbered.length);
    if (used.length === 0 || !summary) throw new SummaryGenerationError('the model cited no passage');
    const citations: Citation[] = used.map((original, i) => {
      const c = numbered[original - 1];
      return { n: i + 1, source: c.source, start: c.start, end: c.end, quote: c.text, chunkId: c.chunkId, score: 1 };
    });
    const leftOut = units.map((u) => u.doc.source).filter((s) => !included.has(s));
    const result: Omit<SummaryResult, 'cached'> = { style: req.style, summary, citations, mode: 'llm' };
    if (leftOut.length > 0) {
      result.leftOut = leftOut;
      result.notice = `Covers ${included.size} of ${units.length} documents, newest first; left out for length: ${leftOut.slice(0, 3).join(', ')}${leftOut.length > 3 ? ` and ${leftOut.length - 3} more` : ''}.`;
    }
    return result;
  }
}
