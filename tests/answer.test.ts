import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerEngine, createAnswerEngine } from '../src/answer/engine.js';
import { renderAnswerText } from '../src/answer/renderText.js';
import { BriefingService } from '../src/service.js';
import { ROOT, tempProject } from './helpers/tempProject.js';

let project: Awaited<ReturnType<typeof tempProject>>;
let service: BriefingService;
let engine: AnswerEngine;
let seed: string;

interface Gold {
  question: string;
  lang: 'id' | 'en';
  answer: string;
}

beforeAll(async () => {
  project = await tempProject();
  service = await BriefingService.open(project.config());
  engine = createAnswerEngine(service, {});
  seed = await fs.readFile(path.join(project.seeds, (await fs.readdir(project.seeds))[0]), 'utf8');
});
afterAll(() => project.cleanup());

const readFixture = async <T>(name: string): Promise<T> => JSON.parse(await fs.readFile(path.join(ROOT, 'tests/fixtures', name), 'utf8')) as T;

describe('seed gold set through ask', () => {
  it('cites the right sentence for >= 90% of Indonesian and >= 70% of English questions', async () => {
    const gold = await readFixture<Gold[]>('seed-gold.json');
    const right = { id: 0, en: 0 };
    const total = { id: 0, en: 0 };
    for (const g of gold) {
      const r = await engine.ask(g.question);
      total[g.lang]++;
      if (!r.abstained && r.citations.some((c) => c.quote.includes(g.answer))) right[g.lang]++;
      expect(r.language).toBe(g.lang);
    }
    expect(total.id).toBeGreaterThan(0);
    expect(total.en).toBeGreaterThan(0);
    expect(right.id / total.id).toBeGreaterThanOrEqual(0.9);
    expect(right.en / total.en).toBeGreaterThanOrEqual(0.7);
  });

  it('answers the San Francisco question with that exact sentence, numbered from 1', async () => {
    const r = await engine.ask('Di mana Kang Kyung-wha dan Mike Pompeo bertemu?');
    expect(r.abstained).toBe(false);
    expect(r.mode).toBe('extractive');
    expect(r.citations[0]).toMatchObject({ n: 1, source: 'seeds/2020-01_korsel-as-pertemuan-menlu-san-francisco.txt' });
    expect(r.citations[0].quote).toContain('San Francisco');
    expect(r.answer.startsWith(r.citations[0].quote)).toBe(true);
    expect(r.answer).toMatch(/\[1\]$/);
    r.citations.forEach((c, i) => {
      expect(c.n).toBe(i + 1);
      expect(seed.slice(c.start, c.end)).toBe(c.quote);
      // A sentence, never a whole chunk.
      expect(service.kb.documents[0].sentences.some((s) => s.start === c.start && s.end === c.end)).toBe(true);
    });
  });

  it('renders the answer with a numbered Sources list (file, date, quote)', async () => {
    const r = await engine.ask('Who is the Japanese foreign minister in the trilateral talks?');
    const text = renderAnswerText(r, () => '2020-01');
    expect(text).toMatch(/Toshimitsu Motegi/);
    expect(text).toMatch(/\nSources:\n\[1\] seeds\/2020-01_korsel-as-pertemuan-menlu-san-francisco\.txt \(2020-01\): "/);
  });
});

describe('abstention', () => {
  it('abstains on every seed-unanswerable question, in its language, with at most 2 closest passages', async () => {
    const cases = await readFixture<{ question: string; lang: 'id' | 'en' }[]>('seed-unanswerable.json');
    expect(cases.length).toBeGreaterThan(0);
    for (const c of cases) {
      const r = await engine.ask(c.question);
      expect(r.abstained, c.question).toBe(true);
      expect(r.citations).toEqual([]);
      expect(r.closest!.length).toBeLessThanOrEqual(2);
      for (const p of r.closest!) expect(seed.slice(p.start, p.end)).toBe(p.quote);
      expect(r.answer).toMatch(c.lang === 'id' ? /^Briefing ini tidak menyebutkan/ : /^The briefing doesn't say/);
      expect(r.confidence).toBeLessThan(engine.minConfidence);
    }
  });

  it('renders abstentions with the closest relevant passages marked as not an answer', async () => {
    const r = await engine.ask('How much oil passes through the Strait of Hormuz each day?');
    expect(r.abstained).toBe(true);
    expect(r.closest!.length).toBeGreaterThan(0);
    expect(r.closest!.some((c) => /Hormuz/.test(c.quote))).toBe(true);
    expect(renderAnswerText(r)).toMatch(/^The briefing doesn't say.*\n\nClosest passages \(not an answer\):\n\[1\] /s);
  });

  it('gives no closest passages for an off-topic question (never the photo-credit header line)', async () => {
    for (const question of ['What is the capital of Australia?', 'Bagaimana resep rendang?', 'How do I make nasi goreng?']) {
      const r = await engine.ask(question);
      expect(r.abstained, question).toBe(true);
      expect(r.closest, question).toEqual([]);
      expect(renderAnswerText(r)).not.toMatch(/Closest passages|YONHAP/);
    }
  });

  it('the threshold is the one knob: 0 answers everything, 1 abstains on everything', async () => {
    const eager = createAnswerEngine(service, { ANSWER_MIN_CONFIDENCE: '0' });
    const never = createAnswerEngine(service, { ANSWER_MIN_CONFIDENCE: '1' });
    expect((await eager.ask('What is the capital of Australia?')).abstained).toBe(false);
    expect((await never.ask('Di mana Kang Kyung-wha dan Mike Pompeo bertemu?')).abstained).toBe(true);
    expect(() => createAnswerEngine(service, { ANSWER_MIN_CONFIDENCE: '2' })).toThrow(/ANSWER_MIN_CONFIDENCE must be between 0 and 1/);
  });

  it('an empty briefing abstains instead of failing', async () => {
    const empty = await tempProject(false);
    try {
      const emptyService = await BriefingService.open(empty.config());
      const r = await createAnswerEngine(emptyService, {}).ask('Siapa Menteri Luar Negeri Jepang?');
      expect(r).toMatchObject({ abstained: true, citations: [], closest: [] });
    } finally {
      await empty.cleanup();
    }
  });
});

describe('follow-ups offline', () => {
  it('carries the previous question into a short pronoun-led follow-up', async () => {
    const history = [{ question: 'Who is the Japanese foreign minister in the trilateral talks?', answer: 'Toshimitsu Motegi [1]' }];
    const alone = await engine.ask('And how long did it last?');
    const followUp = await engine.ask('And how long did it last?', { history });
    expect(followUp.abstained).toBe(false);
    expect(followUp.citations[0].quote).toContain('Toshimitsu Motegi selama 50 menit');
    // Without the history the same words do not get there.
    expect(alone.abstained || !alone.citations[0].quote.includes('Motegi')).toBe(true);
  });

  it('filters by source', async () => {
    const r = await engine.ask('Siapa Menteri Luar Negeri Jepang?', { source: 'seeds/other.txt' });
    expect(r.abstained).toBe(true);
    expect(r.closest).toEqual([]);
  });
});
