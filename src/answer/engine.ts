import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import type { BriefingService } from '../service.js';
import { loadLlmConfig, type LlmConfig } from '../llm/config.js';
import { LlmCallError } from '../llm/invoke.js';
import { detectLanguage, type Language } from '../text/language.js';
import { words } from '../text/tokenize.js';
import { answerSpan } from './answerType.js';
import { numberCitations } from './citations.js';
import { loadReader, type ReaderModel } from '../reader/modelFile.js';
import { readEvidence, type ShortAnswer } from '../reader/reader.js';
import { V1_MIN_CONFIDENCE, loadAnswerConfig, type AnswerConfig } from './config.js';
import { gatherEvidence, type Evidence } from './evidence.js';
import { joinWithMarkers, pickAnswerSentences, pickCredibleSentences, toCited } from './extractive.js';
import { condenseQuestion, llmAnswer } from './llmAnswer.js';
import { PHRASES, phrase } from './phrases.js';
import type { AnswerResult, AskOptions } from './types.js';

export interface AnswerEngineOptions {
  config?: AnswerConfig;
  /** A LangChain chat model for LLM mode (or a loader, so the provider clients load on first use); omitted or null → offline. */
  chatModel?: BaseChatModel | null | (() => Promise<BaseChatModel | null>);
  llmConfig?: LlmConfig;
  /**
   * The trained reader (models/reader.bin, loaded once) re-ranks sentences, finds the short answer and decides
   * whether the briefing answers. `null` runs the first, hand-weighted engine (v1), kept for `npm run eval`.
   */
  reader?: ReaderModel | null;
}

/** An answer together with what the reader made of it (for evaluation: the best span, shown or not). */
export interface Inspection {
  result: AnswerResult;
  bestSpan: ShortAnswer | null;
  /** The best-ranked sentence, cited first when the engine answers (also known when it abstains). */
  topSentence: string | null;
}

const CLOSEST_MAX = 2;
/** An abstention shows a passage as "closest" only if it holds at least this (IDF-weighted) share of the question's terms. */
const CLOSEST_MIN_COVERAGE = 0.3;

/**
 * Question (+ prior turns) → retrieval → a cited answer or an abstention. Pure of any interface: the CLI,
 * the console, Discord and the eval all call `ask`. Built over a function returning the current knowledge
 * base, so a re-index swaps it between questions and any KnowledgeBase (e.g. an eval corpus) can be used.
 */
export class AnswerEngine {
  readonly config: AnswerConfig;
  private chatModel: BaseChatModel | null = null;
  private chatModelLoader?: () => Promise<BaseChatModel | null>;
  private readonly llmConfig?: LlmConfig;
  readonly reader: ReaderModel | null;

  constructor(private readonly knowledgeBase: () => KnowledgeBase, options: AnswerEngineOptions = {}) {
    this.config = options.config ?? loadAnswerConfig({});
    if (typeof options.chatModel === 'function') this.chatModelLoader = options.chatModel;
    else this.chatModel = options.chatModel ?? null;
    this.llmConfig = options.llmConfig;
    this.reader = options.reader === undefined ? loadReader() : options.reader;
  }

  /** The probability below which the engine abstains: the operator's, else the reader's own. */
  get minConfidence(): number {
    return this.config.minConfidence ?? this.reader?.thresholds.answer ?? V1_MIN_CONFIDENCE;
  }

  /** The mode answers are attempted in (an LLM failure still falls back to extractive per answer). */
  get mode(): 'extractive' | 'llm' {
    return (this.chatModel || this.chatModelLoader) && this.llmConfig ? 'llm' : 'extractive';
  }

  private async loadChatModel(): Promise<void> {
    if (!this.chatModelLoader) return;
    const load = this.chatModelLoader;
    this.chatModelLoader = undefined;
    this.chatModel = await load();
  }

  async ask(question: string, options: AskOptions = {}): Promise<AnswerResult> {
    return (await this.inspect(question, options)).result;
  }

  async inspect(question: string, options: AskOptions = {}): Promise<Inspection> {
    const language = detectLanguage(question);
    const kb = this.knowledgeBase();
    await this.loadChatModel();
    const started = performance.now();
    let notice: string | undefined;
    let standalone = question;
    let history = options.history;
    if (this.chatModel && this.llmConfig && history?.length) {
      try {
        standalone = await condenseQuestion(this.chatModel, this.llmConfig, history, question);
        history = undefined; // the condensed question already carries the context
      } catch (error) {
        notice = this.fallbackNotice(error, language);
      }
    }
    const gathered = await gatherEvidence(kb, standalone, language, { k: this.config.retrieveK, history, source: options.source, v1Confidence: !this.reader });
    const reading = this.reader ? readEvidence(this.reader, kb, gathered) : null;
    const evidence: Evidence = reading ? { ...gathered, ranked: reading.ranked, confidence: reading.answerProbability } : gathered;
    const bestSpan = reading?.span ?? null;
    const topSentence = evidence.ranked[0]?.text ?? null;
    const answerStarted = performance.now();
    const base = { question, language, confidence: round3(evidence.confidence) };
    const timings = () => ({ retrieveMs: round1(answerStarted - started), answerMs: round1(performance.now() - answerStarted) });

    if (this.chatModel && this.llmConfig && evidence.ranked.length > 0 && !notice) {
      try {
        const outcome = await llmAnswer(this.chatModel, this.llmConfig, standalone, language, evidence.ranked);
        if (outcome.kind === 'answer') {
          const { citations } = numberCitations(outcome.used);
          return { result: { ...base, mode: 'llm', abstained: false, answer: outcome.text, citations, timings: timings() }, bestSpan, topSentence };
        }
        if (outcome.kind === 'abstain') return { result: { ...this.abstention(evidence, language), ...base, mode: 'llm', timings: timings() }, bestSpan, topSentence };
        notice = phrase('llmUncited', language);
      } catch (error) {
        notice = this.fallbackNotice(error, language);
      }
    }
    const extractive = this.extractive(evidence, language, bestSpan);
    return { result: { ...extractive, ...base, mode: 'extractive', ...(notice ? { notice } : {}), timings: timings() }, bestSpan, topSentence };
  }

  private extractive(evidence: Evidence, language: Language, bestSpan: ShortAnswer | null): Pick<AnswerResult, 'abstained' | 'answer' | 'shortAnswer' | 'citations' | 'closest'> {
    if (evidence.ranked.length === 0 || evidence.confidence < this.minConfidence) return this.abstention(evidence, language);
    const picked = this.reader ? pickCredibleSentences(evidence.ranked) : pickAnswerSentences(evidence.ranked);
    const { citations, numbers } = numberCitations(picked.map(toCited));
    const shortAnswer = this.reader ? shownShortAnswer(this.reader, bestSpan) : shortAnswerOf(evidence, picked[0].text);
    return { abstained: false, answer: joinWithMarkers(picked.map((s) => s.text), numbers), ...(shortAnswer ? { shortAnswer } : {}), citations };
  }

  private abstention(evidence: Evidence, language: Language): Pick<AnswerResult, 'abstained' | 'answer' | 'citations' | 'closest'> {
    // Hints only where they are about the question: an off-topic question gets none (not the photo credit line).
    const relevant = evidence.ranked.filter((s) => s.coverage >= CLOSEST_MIN_COVERAGE);
    const { citations: closest } = numberCitations(relevant.slice(0, CLOSEST_MAX).map(toCited));
    return { abstained: true, answer: phrase('abstain', language), citations: [], closest };
  }

  private fallbackNotice(error: unknown, language: Language): string {
    const reason = error instanceof LlmCallError ? error.kind : 'error';
    return PHRASES.llmFallback[language](reason);
  }
}

/** "In short" only when the span model is confident enough to be right ≥ 85% of the time (threshold from training). */
function shownShortAnswer(reader: ReaderModel, span: ShortAnswer | null): string | null {
  return span && span.probability >= reader.thresholds.shortAnswer ? span.text : null;
}

/** v1: the question's words and their translations: what the short answer must not merely repeat. */
function shortAnswerOf(evidence: Evidence, sentence: string): string | null {
  const { analysis } = evidence;
  const known = new Set([...words(analysis.question), ...analysis.groups.flatMap((g) => g.translations.flatMap((t) => words(t)))]);
  return answerSpan(analysis.type, sentence, known);
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** The engine every interface uses: the service's current knowledge base, and LLM mode when configured. */
export function createAnswerEngine(service: BriefingService, env: Record<string, string | undefined> = process.env): AnswerEngine {
  const llmConfig = loadLlmConfig(env);
  const chatModel = llmConfig.provider === 'none' ? null : async () => (await import('../llm/chatModel.js')).createChatModel(llmConfig);
  return new AnswerEngine(() => service.kb, { config: loadAnswerConfig(env), chatModel, llmConfig });
}
