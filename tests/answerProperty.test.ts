import fc from 'fast-check';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAnswerEngine, type AnswerEngine } from '../src/answer/engine.js';
import { BriefingService } from '../src/service.js';
import { tempProject } from './helpers/tempProject.js';

let project: Awaited<ReturnType<typeof tempProject>>;
let engine: AnswerEngine;
let seed: string;

beforeAll(async () => {
  project = await tempProject();
  engine = createAnswerEngine(await BriefingService.open(project.config()), { ANSWER_MIN_CONFIDENCE: '0' });
  seed = await fs.readFile(path.join(project.seeds, (await fs.readdir(project.seeds))[0]), 'utf8');
});
afterAll(() => project.cleanup());

// Words from the briefing mixed with arbitrary text, so many inputs do retrieve and cite something.
const briefingWord = fc.constantFrom('Kang', 'Pompeo', 'Selat', 'Hormuz', 'menit', 'who', 'siapa', 'kapan', 'berapa', 'Korea', 'meet', 'foto', '?');
const question = fc.oneof(fc.string({ maxLength: 200 }), fc.array(fc.oneof(briefingWord, fc.string({ maxLength: 12 })), { maxLength: 12 }).map((ws) => ws.join(' ')));

describe('ask on any input string', () => {
  it('never throws, and every citation quote is its exact source slice', async () => {
    await fc.assert(
      fc.asyncProperty(question, fc.array(fc.string({ maxLength: 40 }), { maxLength: 2 }), async (q, previous) => {
        const r = await engine.ask(q, { history: previous.map((p) => ({ question: p })) });
        expect(r.confidence).toBeGreaterThanOrEqual(0);
        expect(r.confidence).toBeLessThanOrEqual(1);
        expect(['id', 'en']).toContain(r.language);
        for (const c of [...r.citations, ...(r.closest ?? [])]) expect(seed.slice(c.start, c.end)).toBe(c.quote);
        r.citations.forEach((c, i) => expect(c.n).toBe(i + 1));
        if (r.abstained) expect(r.citations).toEqual([]);
        else for (const c of r.citations) expect(r.answer).toContain(`[${c.n}]`);
      }),
      { numRuns: 150 },
    );
  });
});
