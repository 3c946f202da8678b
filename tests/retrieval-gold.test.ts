import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeBase } from '../src/retrieve/knowledgeBase.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { tempProject } from './helpers/tempProject.js';

interface Gold {
  question: string;
  lang: 'id' | 'en';
  answer: string;
}
const gold: Gold[] = JSON.parse(readFileSync(new URL('./fixtures/seed-gold.json', import.meta.url), 'utf8'));

let kb: KnowledgeBase;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const p = await tempProject();
  cleanup = p.cleanup;
  kb = (await openKnowledgeBase(p.config())).kb;
});
afterAll(() => cleanup());

/** Rank (1-based) of the first retrieved chunk that contains the gold sentence's text, or Infinity. */
async function rankOf(g: Gold): Promise<number> {
  const hits = await kb.search(g.question, { k: 5 });
  const i = hits.findIndex((h) => h.chunk.text.includes(g.answer));
  return i < 0 ? Infinity : i + 1;
}

describe('retrieval on the seed gold set', () => {
  it('has at least 20 Indonesian and 10 English questions', () => {
    expect(gold.filter((g) => g.lang === 'id').length).toBeGreaterThanOrEqual(20);
    expect(gold.filter((g) => g.lang === 'en').length).toBeGreaterThanOrEqual(10);
  });

  for (const lang of ['id', 'en'] as const) {
    it(`finds the answering sentence in the top 5 (${lang})`, async () => {
      const set = gold.filter((g) => g.lang === lang);
      const ranks = await Promise.all(set.map(rankOf));
      const recall5 = ranks.filter((r) => r <= 5).length / set.length;
      const recall1 = ranks.filter((r) => r <= 1).length / set.length;
      console.info(`seed gold ${lang}: recall@1 ${recall1.toFixed(3)}, recall@5 ${recall5.toFixed(3)} (n=${set.length})`);
      expect(recall5).toBeGreaterThanOrEqual(lang === 'id' ? 0.95 : 0.9);
      expect(recall1).toBeGreaterThanOrEqual(lang === 'id' ? 0.7 : 0.5);
    });
  }

  it('puts the Hormuz chunk first for "Selat Hormuz"', async () => {
    const [top] = await kb.search('Selat Hormuz', { k: 5 });
    expect(top.chunk.text).toContain('melindungi Selat Hormuz di dekat Iran');
  });
});
