import { promises as fs } from 'node:fs';
import path from 'node:path';
import { chunkDocument, segmentDocument, type ChunkingOptions } from '../chunk/chunker.js';
import { splitSentences } from '../text/sentences.js';
import { seededRandom } from '../util/random.js';

/**
 * Realistic bench text: real sentences from the eval corpora (Indonesian and English Wikipedia), shuffled
 * and recombined into news-sized documents with a seeded generator, so every run and every machine gets
 * the same briefing. Documents are added until the chunker has made the requested number of chunks.
 */
export interface BenchDocument {
  name: string;
  content: string;
}

export async function loadSentencePool(evalDir: string): Promise<string[]> {
  const pool: string[] = [];
  for (const set of ['idk_mrc_id', 'squad2_en']) {
    const text = await fs.readFile(path.join(evalDir, set, 'corpus.jsonl'), 'utf8');
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      const passage = (JSON.parse(line) as { text: string }).text;
      for (const s of splitSentences(passage)) {
        const sentence = passage.slice(s.start, s.end).trim();
        if (sentence.length >= 40 && sentence.length <= 400) pool.push(sentence);
      }
    }
  }
  if (pool.length === 0) throw new Error(`no sentences found under ${evalDir}`);
  return pool;
}

export function makeBenchDocuments(pool: string[], targetChunks: number, chunking: ChunkingOptions, seed = 42): { documents: BenchDocument[]; chunks: number } {
  const random = seededRandom(seed);
  const documents: BenchDocument[] = [];
  let chunks = 0;
  while (chunks < targetChunks) {
    // 6–20 sentences, like a news article; paragraphs of three sentences.
    const count = 6 + Math.floor(random() * 15);
    const sentences = Array.from({ length: count }, () => pool[Math.floor(random() * pool.length)]);
    const paragraphs: string[] = [];
    for (let i = 0; i < sentences.length; i += 3) paragraphs.push(sentences.slice(i, i + 3).join(' '));
    const content = `${paragraphs.join('\n\n')}\n`;
    const name = `bench-${String(documents.length).padStart(6, '0')}.txt`;
    chunks += chunkDocument(segmentDocument({ source: name, title: name, content }), chunking).length;
    documents.push({ name, content });
  }
  return { documents, chunks };
}

export async function writeBenchDocuments(dir: string, documents: BenchDocument[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  for (const d of documents) await fs.writeFile(path.join(dir, d.name), d.content);
}

/** Total bytes of the files under `dir`. */
export async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await directorySize(full);
    else if (entry.isFile()) total += (await fs.stat(full)).size;
  }
  return total;
}
