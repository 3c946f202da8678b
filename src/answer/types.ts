import type { Language } from '../text/language.js';

/** A pointer to one exact sentence of the briefing: `quote === content(source).slice(start, end)`. */
export interface Citation {
  n: number;
  source: string;
  start: number;
  end: number;
  quote: string;
  chunkId: string;
  score: number;
}

/** A previous exchange, for follow-up questions ("and what did Kang reply?"). */
export interface Turn {
  question: string;
  answer?: string;
}

export type AnswerMode = 'extractive' | 'llm';

export interface AnswerResult {
  question: string;
  language: Language;
  mode: AnswerMode;
  abstained: boolean;
  /** The answer text with `[n]` markers, or the abstention sentence. */
  answer: string;
  /** Offline answers to who/when/where/how-many questions: the name, date, place or number in the best sentence. */
  shortAnswer?: string;
  citations: Citation[];
  /** Only when abstained: at most 2 nearest passages, explicitly not an answer. */
  closest?: Citation[];
  /** One line for the user when something degraded (e.g. the LLM failed and the extractive answer is shown). */
  notice?: string;
  /** How sure the engine is that the briefing answers the question, in [0, 1]. */
  confidence: number;
  timings: { retrieveMs: number; answerMs: number };
}

export interface AskOptions {
  history?: Turn[];
  /** Restrict to one source file. */
  source?: string;
}
