import type { BriefingService } from '../service.js';
import { cleanQuery } from '../text/userInput.js';
import { detectLanguage, type Language } from '../text/language.js';
import { loadSummaryConfig, type SummaryConfig } from './config.js';
import { SummaryCache, summaryCacheKey } from './cache.js';
import type { SummaryStore } from '../state/types.js';
import { planExtractive, type SummaryUnit } from './extractive.js';
import { renderExtractive } from './render.js';
import { documentUnits, resolveSource, topicUnits } from './scope.js';
import { MAX_TOPIC_CHARS, SUMMARY_STYLES, type SummaryRequest, type SummaryResult } from './types.js';
import { UserInputError } from '../errors.js';
import { loadLlmConfig } from '../llm/config.js';
import { LlmCallError } from '../llm/invoke.js';
import type { LlmConfig } from '../llm/config.js';

type Env = Record<string, string | undefined>;
export type ProgressFn = (done: number, total: number) => void;

export { MAX_TOPIC_CHARS };

/** Writes a summary with a model; throws on any failure (the summarizer then falls back to extractive). */
export interface LlmSummaryWriter {
  /** Identifies the model in the cache key: another model's summary is not this one's. */
  readonly identity: string;
  summarize(units: SummaryUnit[], request: Required<Pick<SummaryRequest, 'style'>> & SummaryRequest, onProgress?: ProgressFn): Promise<Omit<SummaryResult, 'cached'>>;
}

const LANGUAGE_NAMES: Record<Language, string> = { id: 'Indonesian', en: 'English' };

function listSources(sources: string[]): string {
  return sources.length <= 3 ? sources.join(', ') : `${sources.slice(0, 3).join(', ')} and ${sources.length - 3} more`;
}

/**
 * Cited summaries of the briefing, of one document or of a topic. Extractive offline; with an LLM configured,
 * the model writes it and the extract is the fallback. Results are cached by store manifest and request.
 */
export class Summarizer {
  private readonly cache: SummaryStore;

  constructor(
    private readonly service: BriefingService,
    readonly config: SummaryConfig,
    private readonly llm: LlmSummaryWriter | null = null,
    /** The shared cache on PostgreSQL (DATABASE_URL); by default files under SUMMARY_CACHE_DIR. */
    cache?: SummaryStore,
  ) {
    this.cache = cache ?? new SummaryCache(config.cacheDir, config.cacheMaxEntries);
  }

  /** Validates and normalises a request; bad input is a UserInputError with a one-line reason. */
  normalize(request: SummaryRequest): SummaryRequest {
    if (!SUMMARY_STYLES.includes(request.style)) {
      throw new UserInputError(`Unknown style "${String(request.style).slice(0, 40)}"; use ${SUMMARY_STYLES.join(', ')}.`);
    }
    if (request.lang !== undefined && request.lang !== 'id' && request.lang !== 'en') {
      throw new UserInputError(`Unknown language "${String(request.lang).slice(0, 20)}"; use id or en.`);
    }
    const out: SummaryRequest = { style: request.style };
    if (request.lang) out.lang = request.lang;
    if (request.source !== undefined) out.source = resolveSource(this.service.kb, request.source);
    if (request.topic !== undefined) out.topic = cleanQuery(request.topic, 'topic', MAX_TOPIC_CHARS);
    return out;
  }

  async summarize(request: SummaryRequest, options: { onProgress?: ProgressFn } = {}): Promise<SummaryResult> {
    const req = this.normalize(request);
    // Read once: a re-index during the call must not mix two stores.
    const kb = this.service.kb;
    const manifest = this.service.manifest;
    const key = summaryCacheKey({ manifest, style: req.style, source: req.source, topic: req.topic, lang: req.lang, engine: this.llm?.identity ?? 'extractive' });
    const hit = await this.cache.get(key);
    if (hit) return { ...hit, cached: true };

    const units = req.topic
      ? await topicUnits(kb, req.topic, this.config.topicPassages, this.config.maxSentencesPerDocument, req.source)
      : documentUnits(kb, this.config.maxSentencesPerDocument, req.source);
    const result = await this.compose(units, req, options.onProgress);
    // A fallback is not cached: the model may be back next time.
    if (!result.fallback) await this.cache.set(key, result.result);
    return result.result;
  }

  private async compose(units: SummaryUnit[], req: SummaryRequest, onProgress?: ProgressFn): Promise<{ result: SummaryResult; fallback: boolean }> {
    if (units.every((u) => u.candidates.length === 0)) return { result: this.nothingToSummarise(req), fallback: false };
    let llmFailure: string | undefined;
    if (this.llm) {
      try {
        const written = await this.llm.summarize(units, req, onProgress);
        return { result: { ...written, cached: false }, fallback: false };
      } catch (error) {
        // Only the kind of failure is shown: provider messages can carry request details.
        llmFailure = error instanceof LlmCallError ? error.kind : 'no usable cited summary';
      }
    }
    const result = this.extractive(units, req, onProgress);
    if (llmFailure !== undefined) {
      const notice = `The language model could not write this summary (${llmFailure}), so it is extracted from the text instead.`;
      result.notice = result.notice ? `${notice} ${result.notice}` : notice;
    }
    return { result, fallback: llmFailure !== undefined };
  }

  /** The offline summary: quoted sentences chosen by the extractive planner. */
  extractive(units: SummaryUnit[], req: SummaryRequest, onProgress?: ProgressFn): SummaryResult {
    const plan = planExtractive(units, req.style, onProgress);
    const { summary, citations } = renderExtractive(plan, req.style);
    const notices: string[] = [];
    const sourceLanguage = detectLanguage(citations.map((c) => c.quote).join(' '));
    if (req.lang && req.lang !== sourceLanguage) {
      notices.push(
        `Offline summaries quote the briefing as written, in ${LANGUAGE_NAMES[sourceLanguage]}; a summary in ${LANGUAGE_NAMES[req.lang]} needs a language model (LLM_PROVIDER).`,
      );
    }
    const result: SummaryResult = { style: req.style, summary, citations, mode: 'extractive', cached: false };
    if (plan.leftOut.length > 0 && plan.groups.length > 0) {
      const total = plan.leftOut.length + plan.groups.length;
      notices.unshift(`Covers ${plan.groups.length} of ${total} documents, newest first; left out for length: ${listSources(plan.leftOut)}.`);
      result.leftOut = plan.leftOut;
    }
    if (notices.length) result.notice = notices.join(' ');
    return result;
  }

  private nothingToSummarise(req: SummaryRequest): SummaryResult {
    const summary = req.topic
      ? `The briefing has nothing on “${req.topic}”.`
      : this.service.kb.documents.length === 0
        ? 'The briefing is empty: there is nothing to summarise.'
        : 'The briefing has no statements to summarise (only headers or fragments).';
    return { style: req.style, summary, citations: [], mode: 'extractive', cached: false, notice: summary };
  }
}

/** Loads LangChain's provider clients on first use: offline runs and bad-flag exits stay quick. */
class LazyLlmWriter implements LlmSummaryWriter {
  readonly identity: string;
  private writer?: Promise<LlmSummaryWriter>;

  constructor(
    private readonly llm: LlmConfig,
    private readonly config: SummaryConfig,
  ) {
    this.identity = `llm:${llm.provider}:${llm.model}`;
  }

  async summarize(...args: Parameters<LlmSummaryWriter['summarize']>): ReturnType<LlmSummaryWriter['summarize']> {
    this.writer ??= (async () => {
      const [{ createChatModel }, { LangChainSummaryWriter }] = await Promise.all([import('../llm/chatModel.js'), import('./llmSummary.js')]);
      return new LangChainSummaryWriter((await createChatModel(this.llm))!, this.llm, this.config);
    })();
    return (await this.writer).summarize(...args);
  }
}

export function createSummarizer(service: BriefingService, env: Env = process.env, options: { cache?: SummaryStore } = {}): Summarizer {
  const config = loadSummaryConfig(env, service.config);
  // Same LLM settings as `ask`; without LLM_PROVIDER the summary is extractive.
  const llmConfig = loadLlmConfig(env);
  return new Summarizer(service, config, llmConfig.provider === 'none' ? null : new LazyLlmWriter(llmConfig, config), options.cache);
}
