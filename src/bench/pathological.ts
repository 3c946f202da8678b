import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadCoreConfig } from '../config.js';
import { openKnowledgeBase } from '../store/openKnowledgeBase.js';
import { seededRandom } from '../util/random.js';

/**
 * `npm run bench -- --pathological`: build time of one seed file of N MB, for text a hostile or careless
 * operator might drop in seeds/ (one sentence repeated, one endless word) against ordinary varied text.
 * Indexing must stay linear in the text: each kind should take about twice as long at twice the size.
 */
export type PathologicalKind = 'varied' | 'repeated sentence' | 'single word';

export const PATHOLOGICAL_KINDS: PathologicalKind[] = ['varied', 'repeated sentence', 'single word'];

export interface PathologicalRow {
  kind: PathologicalKind;
  megabytes: number;
  chunks: number;
  buildSeconds: number;
}

const REPEATED_SENTENCE = 'Menteri Luar Negeri bertemu di San Francisco untuk membahas Selat Hormuz. ';

/** `bytes` of text of one kind; varied text is real sentences from `pool`, shuffled with a fixed seed. */
export function pathologicalText(kind: PathologicalKind, bytes: number, pool: string[]): string {
  if (kind === 'single word') return 'a'.repeat(bytes);
  if (kind === 'repeated sentence') return REPEATED_SENTENCE.repeat(Math.ceil(bytes / REPEATED_SENTENCE.length)).slice(0, bytes);
  const random = seededRandom(11);
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const sentence = pool[Math.floor(random() * pool.length)];
    // A paragraph break now and then, as in real documents.
    const piece = random() < 0.2 ? `${sentence}\n\n` : `${sentence} `;
    parts.push(piece);
    length += Buffer.byteLength(piece);
  }
  return parts.join('');
}

/** Builds a store from one seed file of each kind and size, in a temp folder, through the real ingest path. */
export async function runPathologicalBench(options: {
  megabytes: number[];
  pool: string[];
  kinds?: PathologicalKind[];
  log: (line: string) => void;
}): Promise<PathologicalRow[]> {
  const rows: PathologicalRow[] = [];
  for (const kind of options.kinds ?? PATHOLOGICAL_KINDS) {
    for (const megabytes of options.megabytes) {
      const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'bench-pathological-'));
      try {
        const text = pathologicalText(kind, Math.round(megabytes * 1_000_000), options.pool);
        const config = loadCoreConfig({ EMBEDDINGS_PROVIDER: 'hashing', SEED_MAX_BYTES: String(Buffer.byteLength(text)) }, temp);
        await fs.mkdir(config.seedsDir, { recursive: true });
        await fs.writeFile(path.join(config.seedsDir, 'pathological.txt'), text);
        const started = performance.now();
        const opened = await openKnowledgeBase(config);
        if (opened.skipped.length) throw new Error(`bench seed skipped: ${opened.skipped[0].reason}`);
        const buildSeconds = Math.round((performance.now() - started) / 10) / 100;
        rows.push({ kind, megabytes, chunks: opened.kb.size, buildSeconds });
        options.log(`pathological: ${kind}, ${megabytes} MB: ${opened.kb.size} chunks in ${buildSeconds} s`);
      } finally {
        await fs.rm(temp, { recursive: true, force: true });
      }
    }
  }
  return rows;
}

export function formatPathologicalRows(rows: PathologicalRow[]): string {
  const lines = ['| text | MB | chunks | build s | s per MB |', '| --- | ---: | ---: | ---: | ---: |'];
  for (const r of rows) {
    lines.push(`| ${r.kind} | ${r.megabytes} | ${r.chunks} | ${r.buildSeconds} | ${(r.buildSeconds / r.megabytes).toFixed(2)} |`);
  }
  return `${lines.join('\n')}\n`;
}
