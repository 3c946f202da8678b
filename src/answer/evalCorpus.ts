import { promises as fs } from 'node:fs';
import path from 'node:path';
import { segmentDocument } from '../chunk/chunker.js';
import { loadCoreConfig } from '../config.js';
import { HashingEmbeddings } from '../embed/hashingEmbeddings.js';
import { KnowledgeBase } from '../retrieve/knowledgeBase.js';
import { retrievalOptions } from '../store/openKnowledgeBase.js';

/** One of the shared eval sets (../shared/eval/<name>) as an in-memory knowledge base: one document per passage. */
export interface EvalQuestion {
  id: string;
  question: string;
  answers: string[];
  passage_id: string | null;
  answerable: boolean;
  source_passage_id: string;
  kind: string;
}

async function readJsonl<T>(file: string): Promise<T[]> {
  const text = await fs.readFile(file, 'utf8');
  return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

export async function loadEvalCorpus(dir: string, env: Record<string, string | undefined> = process.env): Promise<{ kb: KnowledgeBase; questions: EvalQuestion[] }> {
  const passages = await readJsonl<{ id: string; title: string; text: string }>(path.join(dir, 'corpus.jsonl'));
  const questions = await readJsonl<EvalQuestion>(path.join(dir, 'questions.jsonl'));
  const config = loadCoreConfig({ ...env, EMBEDDINGS_PROVIDER: 'hashing' });
  const documents = passages.map((p) => segmentDocument({ source: p.id, title: p.title, content: p.text }));
  const kb = await KnowledgeBase.build(
    documents,
    new HashingEmbeddings({ dimensions: config.embeddings.dimensions }),
    { targetChars: config.chunkTargetChars, overlapSentences: config.chunkOverlapSentences },
    retrievalOptions(config),
  );
  return { kb, questions };
}
