import { describe, expect, it } from 'vitest';
import { answerSpan, expectedAnswerType } from '../src/answer/answerType.js';
import { questionTermGroups } from '../src/answer/queryTerms.js';
import { renderAnswerText } from '../src/answer/renderText.js';
import { AnswerEngine } from '../src/answer/engine.js';
import { loadReader } from '../src/reader/modelFile.js';
import { openKnowledgeBase } from '../src/store/openKnowledgeBase.js';
import { detectLanguage } from '../src/text/language.js';
import { words } from '../src/text/tokenize.js';
import { tempProject } from './helpers/tempProject.js';

const SF = 'Menteri Luar Negeri Korea Selatan, Kang Kyung-wha dan Menteri Luar Negeri AS, Mike Pompeo mencapai kesepakatan selama pembicaraan di San Francisco.';
const MOTEGI = 'Setelah pertemuan itu, Kang dan Pompeo mengadakan pembicaraan trilateral dengan Menteri Luar Negeri Jepang, Toshimitsu Motegi selama 50 menit.';
const DATE = 'Para diplomat tertinggi Korea Selatan dan Amerika Serikat (AS) pada hari Selasa (14/01/20) waktu setempat, sepakat untuk melanjutkan kerja sama.';

function span(question: string, sentence: string): string | null {
  const known = new Set([...words(question), ...questionTermGroups(question, detectLanguage(question)).flatMap((g) => g.translations.flatMap((t) => words(t)))]);
  return answerSpan(expectedAnswerType(question), sentence, known);
}

describe('the short answer inside the best sentence (v1 rules, then the trained reader)', () => {
  it.each([
    ['Di mana Kang Kyung-wha dan Mike Pompeo bertemu?', SF, 'San Francisco'],
    ['Where did Kang and Pompeo meet?', SF, 'San Francisco'],
    ['Siapa Menteri Luar Negeri Jepang?', MOTEGI, 'Toshimitsu Motegi'],
    ['Who is the Japanese foreign minister?', MOTEGI, 'Toshimitsu Motegi'],
    ['Siapa Menteri Luar Negeri Korea Selatan?', SF, 'Kang Kyung-wha'],
    ['Berapa lama pembicaraan trilateral?', MOTEGI, '50 menit'],
    ['How long did the trilateral talks last?', MOTEGI, '50 menit'],
    ['Kapan para diplomat sepakat?', DATE, 'hari Selasa (14/01/20)'],
  ])('%s → %s', (question, sentence, expected) => {
    expect(span(question, sentence)).toBe(expected);
  });

  it('never answers with what the question already says, and gives nothing for untyped questions', () => {
    expect(span('Di mana pembicaraan di San Francisco?', SF)).toBeNull();
    expect(span('Apa yang disepakati?', SF)).toBeNull();
  });

  it('the trained reader finds the short answer as an exact slice of the first cited sentence', async () => {
    const p = await tempProject();
    try {
      const { kb } = await openKnowledgeBase(p.config());
      const engine = new AnswerEngine(() => kb);
      for (const [question, expected] of [
        ['Siapa Menteri Luar Negeri Jepang?', 'Toshimitsu Motegi'],
        ['Berapa lama pembicaraan trilateral?', '50 menit'],
        ['Di mana Kang Kyung-wha dan Mike Pompeo bertemu?', 'San Francisco'],
      ]) {
        const { result, bestSpan } = await engine.inspect(question);
        expect(result.abstained, question).toBe(false);
        expect(bestSpan?.text, question).toBe(expected);
        const first = result.citations[0];
        expect(bestSpan!.source).toBe(first.source);
        expect(first.quote.slice(bestSpan!.start - first.start, bestSpan!.end - first.start)).toBe(expected);
      }
    } finally {
      await p.cleanup();
    }
  });

  it('leads the answer ("In short") only at or above the shipped threshold', async () => {
    const p = await tempProject();
    try {
      const { kb } = await openKnowledgeBase(p.config());
      const shipped = loadReader();
      const withThreshold = (shortAnswer: number) => new AnswerEngine(() => kb, { reader: { ...shipped, thresholds: { ...shipped.thresholds, shortAnswer } } });
      const question = 'Siapa Menteri Luar Negeri Jepang?';
      const { bestSpan } = await new AnswerEngine(() => kb).inspect(question);
      const shown = await withThreshold(bestSpan!.probability).ask(question);
      expect(shown.shortAnswer).toBe('Toshimitsu Motegi');
      expect(shown.citations[0].quote).toContain(shown.shortAnswer);
      expect(renderAnswerText(shown).split('\n')[0]).toBe('Singkatnya: Toshimitsu Motegi [1]');
      const hidden = await withThreshold(Math.min(1, bestSpan!.probability + 1e-6)).ask(question);
      expect(hidden.shortAnswer).toBeUndefined();
      expect(renderAnswerText(hidden).split('\n')[0]).toContain('Toshimitsu Motegi selama 50 menit');
      const abstained = await withThreshold(0).ask('What is the capital of Australia?');
      expect(abstained.abstained).toBe(true);
      expect(abstained.shortAnswer).toBeUndefined();
    } finally {
      await p.cleanup();
    }
  });
});
