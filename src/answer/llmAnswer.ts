import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { LlmConfig } from '../llm/config.js';
import { validateCitations } from '../llm/citations.js';
import { invokeChat } from '../llm/invoke.js';
import { NOT_IN_BRIEFING, answerMessages, condenseMessages, type NumberedPassage } from '../llm/prompts.js';
import type { Language } from '../text/language.js';
import type { CitedSentence } from './citations.js';
import { toCited } from './extractive.js';
import type { ScoredSentence } from './sentenceScorer.js';
import type { Turn } from './types.js';

/**
 * LLM mode: the best-scored sentences, numbered, within the context budget, go to the model with the grounded
 * prompt; its `[n]` markers are checked against them. Throws LlmCallError when the call itself fails.
 */
export type LlmOutcome =
  | { kind: 'answer'; text: string; used: CitedSentence[] }
  | { kind: 'abstain' }
  /** The model answered but cited nothing that exists. */
  | { kind: 'uncited' };

export function selectPassages(ranked: ScoredSentence[], budgetChars: number): ScoredSentence[] {
  const out: ScoredSentence[] = [];
  let used = 0;
  for (const s of ranked) {
    if (out.length > 0 && used + s.text.length > budgetChars) break;
    out.push(s);
    used += s.text.length;
  }
  return out;
}

export async function llmAnswer(model: BaseChatModel, config: LlmConfig, question: string, language: Language, ranked: ScoredSentence[]): Promise<LlmOutcome> {
  const sentences = selectPassages(ranked, config.contextChars);
  const passages: NumberedPassage[] = sentences.map((s, i) => ({ n: i + 1, text: s.text }));
  const reply = (await invokeChat(model, answerMessages(question, passages, language), config.timeoutMs)).trim();
  if (reply === '') return { kind: 'uncited' };
  if (reply.replace(/[^A-Z_]/g, '') === NOT_IN_BRIEFING) return { kind: 'abstain' };
  const checked = validateCitations(reply, passages.length);
  if (checked.used.length === 0) return { kind: 'uncited' };
  return { kind: 'answer', text: checked.text, used: checked.used.map((n) => toCited(sentences[n - 1])) };
}

/** Rewrites a follow-up as a standalone question; the original question when the model gives nothing usable. */
export async function condenseQuestion(model: BaseChatModel, config: LlmConfig, history: Turn[], question: string): Promise<string> {
  const reply = (await invokeChat(model, condenseMessages(history.slice(-3), question), config.timeoutMs)).trim();
  const firstLine = reply.split('\n').find((l) => l.trim())?.trim() ?? '';
  return firstLine && firstLine.length <= 2000 ? firstLine : question;
}
