import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import type { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import type { BriefingService } from '../service.js';
import { loadLlmConfig, type LlmConfig } from '../llm/config.js';
import { LlmCallError } from '../llm/invoke.js';
import { detectLanguage, type Language } from '../text/language.js';
import { words } from '../text/tokenize.js';
import { answerSpan } from './answerType.js';
import { numberCitations } from './citations.js';
import { loadAnswerConfig, type AnswerConfig } from './config.js';
import { gatherEvidence, type Evidence } from './evidence.js';
import { joinWithMarkers, pickAnswerSentences, toCited } from './extractive.js';
import { condenseQuestion, llmAnswer } from './llmAnswer.js';
import { PHRASES, phrase } from './phrases.js';
import type { AnswerResult, AskOptions } from './types.js';

export interface AnswerEngineOptions {
  config?: AnswerConfig;
  /** A LangChain chat model for LLM mode (or a loader, so the provider clients load on first use); omitted or null → offline. */
  chatModel?: BaseChatModel | null | (() => Promise<BaseChatModel | null>);
  llmConfig?: LlmConfig;
}

const CLOSEST_MAX = 2;

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

  constructor(private readonly knowledgeBase: () => KnowledgeBase, options: AnswerEngineOptions = {}) {
    this.config = options.config ?? loadAnswerConfig({});
    if (typeof options.chatModel === 'function') this.chatModelLoader = options.chatModel;
    else this.chatModel = options.chatModel ?? null;
    this.llmConfig = options.llmConfig;
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
    const evidence = await gatherEvidence(kb, standalone, language, { k: this.config.retrieveK, history, source: options.source });
    const answerStarted = performance.now();
    const base = { question, language, confidence: round3(evidence.confidence) };
    const timings = () => ({ retrieveMs: round1(answerStarted - started), answerMs: round1(performance.now() - answerStarted) });

    if (this.chatModel && this.llmConfig && evidence.ranked.length > 0 && !notice) {
      try {
        const outcome = await llmAnswer(this.chatModel, this.llmConfig, standalone, language, evidence.ranked);
        if (outcome.kind === 'answer') {
          const { citations } = numberCitations(outcome.used);
          return { ...base, mode: 'llm', abstained: false, answer: outcome.text, citations, timings: timings() };
        }
        if (outcome.kind === 'abstain') return { ...this.abstention(evidence, language), ...base, mode: 'llm', timings: timings() };
        notice = phrase('llmUncited', language);
      } catch (error) {
        notice = this.fallbackNotice(error, language);
      }
    }
    const extractive = this.extractive(evidence, language);
    return { ...extractive, ...base, mode: 'extractive', ...(notice ? { notice } : {}), timings: timings() };
  }

  /** Evidence and confidence only, for evaluation (no answer text). */
  async assess(question: string, options: AskOptions = {}): Promise<Evidence & { abstained: boolean }> {
    const evidence = await gatherEvidence(this.knowledgeBase(), question, detectLanguage(question), {
      k: this.config.retrieveK,
      history: options.history,
      source: options.source,
    });
    return { ...evidence, abstained: evidence.confidence < this.config.minConfidence };
  }

  private extractive(evidence: Evidence, language: Language): Pick<AnswerResult, 'abstained' | 'answer' | 'citations' | 'closest'> {
    if (evidence.ranked.length === 0 || evidence.confidence < this.config.minConfidence) return this.abstention(evidence, language);
    const picked = pickAnswerSentences(evidence.ranked);
    const { citations, numbers } = numberCitations(picked.map(toCited));
    const shortAnswer = shortAnswerOf(evidence, picked[0].text);
    return { abstained: false, answer: joinWithMarkers(picked.map((s) => s.text), numbers), ...(shortAnswer ? { shortAnswer } : {}), citations };
  }

  private abstention(evidence: Evidence, language: Language): Pick<AnswerResult, 'abstained' | 'answer' | 'citations' | 'closest'> {
    const { citations: closest } = numberCitations(evidence.ranked.slice(0, CLOSEST_MAX).map(toCited));
    return { abstained: true, answer: phrase('abstain', language), citations: [], closest };
  }

  private fallbackNotice(error: unknown, language: Language): string {
    const reason = error instanceof LlmCallError ? error.kind : 'error';
    return PHRASES.llmFallback[language](reason);
  }
}

/** The question's words and their translations: what the short answer must not merely repeat. */
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
