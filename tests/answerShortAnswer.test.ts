import { describe, expect, it } from 'vitest';
import { answerSpan, expectedAnswerType } from '../src/answer/answerType.js';
import { questionTermGroups } from '../src/answer/queryTerms.js';
import { renderAnswerText } from '../src/answer/renderText.js';
import { AnswerEngine } from '../src/answer/engine.js';
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

describe('the short answer inside the best sentence', () => {
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

  it('leads the engine answer and its text rendering, pointing at the first citation', async () => {
    const p = await tempProject();
    try {
      const { kb } = await openKnowledgeBase(p.config());
      const result = await new AnswerEngine(() => kb).ask('Who is the Japanese foreign minister?');
      expect(result.abstained).toBe(false);
      expect(result.shortAnswer).toBe('Toshimitsu Motegi');
      expect(result.citations[0].quote).toContain(result.shortAnswer);
      expect(renderAnswerText(result).split('\n')[0]).toBe('In short: Toshimitsu Motegi [1]');
      const abstained = await new AnswerEngine(() => kb).ask('What is the capital of Australia?');
      expect(abstained.shortAnswer).toBeUndefined();
    } finally {
      await p.cleanup();
    }
  });
});
