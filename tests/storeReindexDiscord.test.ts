import path from 'node:path';
import { promises as fs } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startBotHarness, type BotHarness } from './helpers/discordBotHarness.js';
import { MANAGE_GUILD } from './helpers/fakeDiscord.js';
import { syntheticSentences, writeSyntheticSeeds } from './helpers/syntheticSeeds.js';
import { currentGeneration } from '../src/store/vectorStore.js';

/**
 * `/reindex` over the stand-in Discord, with the real bot: rebuilds run in a worker thread, so the bot keeps
 * acknowledging and answering questions from the old store while a large briefing is indexed, and two
 * `/reindex` at once build once.
 */
let h: BotHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

const str = (name: string, value: string) => ({ name, type: 3, value });
let users = 0;
const newUser = () => `3000000000000000${String(++users).padStart(2, '0')}`;

function buildLines(harness: BotHarness): string[] {
  return harness.logs.filter((l) => l.event === 'reindex' && String(l.msg).startsWith('Building the store')).map((l) => String(l.msg));
}

describe('/reindex', () => {
  it('two at once build once, and both report the added document', async () => {
    // Enough chunks that one more stays within the IDF drift limit (25%): the update is made in place.
    h = await startBotHarness({}, (root) => writeSyntheticSeeds(path.join(root, 'seeds'), syntheticSentences(200), 8).then(() => undefined));
    await fs.writeFile(path.join(h.root, 'seeds', 'baru.txt'), 'Dokumen baru tentang Pulau Jeju. Pulau itu ada di selatan Korea.');
    const a = h.fake.sendSlash('reindex', [], { userId: newUser(), permissions: MANAGE_GUILD });
    const b = h.fake.sendSlash('reindex', [], { userId: newUser(), permissions: MANAGE_GUILD });
    const [ra, rb] = await Promise.all([h.fake.waitForFinal(a.token, 30_000), h.fake.waitForFinal(b.token, 30_000)]);
    for (const r of [ra, rb]) {
      expect(r.body.content).toMatch(/^Rebuilt the index: seeds changed: added seeds\/baru\.txt\./);
      expect(r.body.content).toMatch(/Updated in place: \d+ new chunk\(s\) embedded, \d+ kept\./);
    }
    expect(buildLines(h)).toHaveLength(1);
    expect(await currentGeneration(path.join(h.root, 'vectorstore'))).not.toBeNull();
    const ask = h.fake.sendSlash('ask', [str('question', 'Di mana Pulau Jeju?')], { userId: newUser() });
    const answer = await h.fake.waitForFinal(ask.token, 30_000);
    expect(JSON.stringify(answer.body.embeds)).toContain('baru.txt');
  }, 60_000);

  it('keeps acknowledging and answering questions while ~10k chunks are indexed', async () => {
    // Short chunks and small vectors keep the build to a few seconds; the chunk count is what a large briefing has.
    h = await startBotHarness({ CHUNK_SIZE: '100', CHUNK_OVERLAP: '0', EMBEDDINGS_DIMENSIONS: '64', HNSW_M: '8' });
    await writeSyntheticSeeds(path.join(h.root, 'seeds'), syntheticSentences(10_000), 50);
    const reindex = h.fake.sendSlash('reindex', [], { userId: newUser(), permissions: MANAGE_GUILD });
    const final = h.fake.waitForFinal(reindex.token, 50_000);
    let done = false;
    void final.finally(() => (done = true));
    const asks: { token: string; sentAt: number }[] = [];
    while (!done) {
      asks.push(h.fake.sendSlash('ask', [str('question', 'Siapa Menteri Luar Negeri Jepang?')], { userId: newUser() }));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const result = await final;
    expect(result.body.content).toMatch(/^Rebuilt the index: .*\nDocuments: 1 → 51; chunks: \d+ → \d{4,5}\./);
    // Nearly all of it new: the IDF is refitted (a full build), not frozen at the seed's.
    expect(result.body.content).not.toContain('Updated in place');
    expect(asks.length).toBeGreaterThan(5);
    const finals = await Promise.all(asks.map((a) => h!.fake.waitForFinal(a.token, 30_000)));
    for (const [i, ask] of asks.entries()) {
      const ack = h.fake.requestsFor(ask.token)[0];
      expect(ack.body?.type).toBe(5); // deferred: acknowledged
      expect(ack.time - ask.sentAt).toBeLessThan(250);
      expect(JSON.stringify(finals[i].body.embeds)).toContain('Motegi');
    }
  }, 60_000);
});
