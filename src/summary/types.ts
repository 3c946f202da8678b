import type { Citation, AnswerMode } from '../answer/types.js';
import type { Language } from '../text/language.js';

export type SummaryStyle = 'brief' | 'bullets' | 'detailed';
export const SUMMARY_STYLES: readonly SummaryStyle[] = ['brief', 'bullets', 'detailed'];
/** Longest `--topic` accepted, in characters. */
export const MAX_TOPIC_CHARS = 200;

export interface SummaryRequest {
  style: SummaryStyle;
  /** Summarise the passages retrieved for this topic instead of the whole briefing. */
  topic?: string;
  /** Only this source file ("seeds/<file>"). */
  source?: string;
  /** Language asked for; extractive summaries stay in the source language and say so. */
  lang?: Language;
}

export interface SummaryResult {
  style: SummaryStyle;
  summary: string;
  citations: Citation[];
  mode: AnswerMode;
  cached: boolean;
  /** One line for the user (LLM fallback, English asked but the extract is Indonesian, documents left out). */
  notice?: string;
  /** Documents left out when the length limit bit. */
  leftOut?: string[];
}
