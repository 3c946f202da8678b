import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadReader } from '../src/reader/modelFile.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { currentGeneration } from '../src/store/vectorStore.js';
import { tempProject } from './helpers/tempProject.js';

let cleanup: () => Promise<void> = async () => undefined;
afterAll(() => cleanup());

describe('the store manifest and the trained reader', () => {
  it('records the reader version, and a store built for another reader is rebuilt, saying why', async () => {
    const p = await tempProject();
    cleanup = p.cleanup;
    const first = await openKnowledgeBase(p.config());
    expect(first.manifest.readerVersion).toBe(loadReader().version);
    const generation = await currentGeneration(p.store);
    const file = path.join(generation!, 'manifest.json');
    const manifest = JSON.parse(await fs.readFile(file, 'utf8'));
    await fs.writeFile(file, JSON.stringify({ ...manifest, readerVersion: 'reader-v2-000000000000' }));
    const second = await openKnowledgeBase(p.config());
    expect(second.rebuiltBecause).toMatch(/answer reader changed \(reader-v2-000000000000 → reader-v2-/);
    expect(second.manifest.readerVersion).toBe(loadReader().version);
  });
});
