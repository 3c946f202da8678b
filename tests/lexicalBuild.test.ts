import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LexicalIndex } from '../src/retrieve/lexicalIndex.js';
import { runningLexicalWorkers, startLexicalBuild } from '../src/store/lexicalBuild.js';
import { seededRandom } from '../src/util/random.js';

// A full build's BM25 index is made on a thread of its own: the same index as on the build thread, and a thread
// that fails never fails the build nor stays behind.

const WORDS = ['pertempuran', 'Hastings', 'tahun', '1066', 'Inggris', 'pemerintah', 'kebijakan', 'Korea', 'selatan', 'battle', 'the', 'Čeština', '東京'];
const random = seededRandom(5);
const chunks = Array.from({ length: 300 }, (_, i) => ({
  text: Array.from({ length: 5 + Math.floor(random() * 40) }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' '),
  source: `s${i % 9}.txt`,
}));
const expected = new LexicalIndex(chunks);

async function noThreadLeft(): Promise<void> {
  for (let i = 0; i < 200 && runningLexicalWorkers() > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(runningLexicalWorkers()).toBe(0);
}

const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'lexical-worker-'));
afterAll(() => fs.rm(temp, { recursive: true, force: true }));

describe('startLexicalBuild', () => {
  it('builds on the lexical thread the index the build thread would, and ends the thread', async () => {
    const build = startLexicalBuild(chunks, undefined, { minChunks: 0 });
    const index = await build.index();
    expect(build.fellBack).toBeUndefined();
    expect(index.serialize()).toEqual(expected.serialize());
    for (const q of ['Hastings 1066', 'Korea selatan', '東京']) expect(index.query(q, 5)).toEqual(expected.query(q, 5));
    await noThreadLeft();
  });

  it('builds here when the thread crashes, fails or never answers properly', async () => {
    const files = {
      crashes: 'process.exit(3);',
      throws: "throw new Error('boom');",
      answersGarbage: "import { parentPort } from 'node:worker_threads'; parentPort.once('message', () => parentPort.postMessage({ type: 'done', bytes: new Uint8Array(8) }));",
      fails: "import { parentPort } from 'node:worker_threads'; parentPort.once('message', () => parentPort.postMessage({ type: 'failed', message: 'no memory' }));",
    };
    for (const [name, source] of Object.entries(files)) {
      const file = path.join(temp, `${name}.mjs`);
      await fs.writeFile(file, source);
      const build = startLexicalBuild(chunks, undefined, { minChunks: 0, workerFile: file });
      const index = await build.index();
      expect(build.fellBack, name).toBeTruthy();
      expect(index.serialize()).toEqual(expected.serialize());
      await noThreadLeft();
    }
  });

  it('ends a thread still working when the build stops', async () => {
    const file = path.join(temp, 'hangs.mjs');
    await fs.writeFile(file, "setInterval(() => {}, 1000);");
    const build = startLexicalBuild(chunks, undefined, { minChunks: 0, workerFile: file });
    await new Promise((r) => setTimeout(r, 50));
    build.stop();
    await noThreadLeft();
  });

  it('builds a small index here, without a thread', async () => {
    const build = startLexicalBuild(chunks.slice(0, 10), undefined, { workerFile: path.join(temp, 'missing.mjs') });
    expect((await build.index()).serialize()).toEqual(new LexicalIndex(chunks.slice(0, 10)).serialize());
    expect(build.fellBack).toBeUndefined();
  });
});
