import { describe, expect, it } from 'vitest';
import { expectedAnswerType, hasAnswerEvidence } from '../src/answer/answerType.js';
import { questionTermGroups } from '../src/answer/queryTerms.js';
import { detectLanguage } from '../src/text/language.js';

describe('language detection', () => {
  it.each([
    ['Di mana Kang Kyung-wha dan Mike Pompeo bertemu?', 'id'],
    ['Siapa Menteri Luar Negeri Jepang?', 'id'],
    ['Berapa lama pertemuan itu?', 'id'],
    ['Kapan pertemuannya?', 'id'],
    ['Bagaimana cuaca di Jakarta besok?', 'id'],
    ['Apa ibu kota Australia?', 'id'],
    ['Where did the foreign ministers meet?', 'en'],
    ['Who took the photo?', 'en'],
    ['How long was the meeting between Kang and Pompeo?', 'en'],
    ['What is the capital of Australia?', 'en'],
  ])('%s → %s', (q, lang) => {
    expect(detectLanguage(q)).toBe(lang);
  });
});

describe('question analysis', () => {
  it.each([
    ['Siapa Menteri Luar Negeri Jepang?', 'person'],
    ['Who took the photo?', 'person'],
    ['Kapan mereka sepakat?', 'time'],
    ['When did they agree?', 'time'],
    ['Tahun berapa itu terjadi?', 'time'],
    ['Berapa lama pertemuan itu?', 'number'],
    ['How many minutes did it last?', 'number'],
    ['Di mana mereka bertemu?', 'place'],
    ['Where did they meet?', 'place'],
    ['Apa yang dibahas?', 'none'],
  ])('%s expects a %s', (q, type) => {
    expect(expectedAnswerType(q)).toBe(type);
  });

  it('finds answer evidence the question does not already contain', () => {
    expect(hasAnswerEvidence('place', 'Mereka bertemu di San Francisco.', 'Di mana mereka bertemu?')).toBe(true);
    expect(hasAnswerEvidence('place', 'Mereka bertemu di San Francisco.', 'Di mana di San Francisco mereka bertemu?')).toBe(false);
    expect(hasAnswerEvidence('number', 'Pertemuan selama 50 menit.', 'Berapa lama pertemuan?')).toBe(true);
    expect(hasAnswerEvidence('time', 'Pada hari Selasa (14/01/20) mereka sepakat.', 'Kapan mereka sepakat?')).toBe(true);
    expect(hasAnswerEvidence('time', 'Mereka sepakat untuk bekerja sama.', 'Kapan mereka sepakat?')).toBe(false);
    expect(hasAnswerEvidence('person', 'Menteri Jepang, Toshimitsu Motegi, hadir.', 'Siapa menteri Jepang?')).toBe(true);
  });

  it('expands English terms into Indonesian with the lexicon, multi-word keys first', () => {
    const groups = questionTermGroups('When did North Korea agree to meet the foreign minister?', 'en');
    const byLabel = Object.fromEntries(groups.map((g) => [g.label, g.translations]));
    expect(byLabel['north korea']).toContain('korea utara');
    expect(byLabel['agree']).toContain('sepakat');
    expect(byLabel['meet']).toEqual(expect.arrayContaining(['bertemu', 'pertemuan']));
    expect(byLabel['foreign minister']).toContain('menteri luar negeri');
    // Indonesian questions are not translated, only given their listed variants.
    expect(questionTermGroups('Kapan Korea Utara sepakat?', 'id').find((g) => g.label === 'korea')?.translations).toEqual([]);
  });
});
