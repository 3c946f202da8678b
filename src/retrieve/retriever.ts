import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { KnowledgeBase } from './knowledgeBase.js';

/** What each retrieved Document carries besides its text: enough to cite it exactly. */
export interface PassageMetadata {
  chunkId: string;
  /** The seed file, e.g. "seeds/2020-01_….txt". */
  source: string;
  title: string;
  date?: string;
  /** `[start, end)` into the source file's text: `content.slice(start, end) === pageContent`. */
  start: number;
  end: number;
  rank: number;
  /** Hybrid score in [0, 1], and its lexical and dense parts. */
  score: number;
  lexical: number;
  dense: number;
}

export interface BriefingRetrieverInput extends BaseRetrieverInput {
  /** Called at every query, so a retriever built on `() => service.kb` follows reindexing. */
  knowledgeBase: () => KnowledgeBase;
  /** Passages per query (default 5). */
  k?: number;
  /** Only passages of this source file. */
  source?: string;
}

/**
 * The briefing's hybrid search as a LangChain retriever, so LangChain chains can compose with it: the same
 * `KnowledgeBase.search` the bot and the CLI use, one Document per passage with its citation offsets.
 */
export class BriefingRetriever extends BaseRetriever<PassageMetadata> {
  static override lc_name(): string {
    return 'BriefingRetriever';
  }

  lc_namespace = ['briefing-bot', 'retrievers'];
  private readonly knowledgeBase: () => KnowledgeBase;
  private readonly k: number;
  private readonly source?: string;

  constructor(fields: BriefingRetrieverInput) {
    super(fields);
    this.knowledgeBase = fields.knowledgeBase;
    this.k = fields.k ?? 5;
    this.source = fields.source;
  }

  override async _getRelevantDocuments(query: string): Promise<Document<PassageMetadata>[]> {
    const hits = await this.knowledgeBase().search(query, { k: this.k, source: this.source });
    return hits.map(
      ({ chunk, rank, score, lexical, dense }) =>
        new Document<PassageMetadata>({
          id: chunk.id,
          pageContent: chunk.text,
          metadata: { chunkId: chunk.id, source: chunk.source, title: chunk.title, ...(chunk.date ? { date: chunk.date } : {}), start: chunk.start, end: chunk.end, rank, score, lexical, dense },
        }),
    );
  }
}
