import { normalize, words } from '../text/tokenize.js';

/**
 * Question-type cues in both languages and whether a sentence holds something of the expected kind that the
 * question does not already contain (a name for "siapa/who", a date for "kapan/when", …).
 */
export type AnswerType = 'person' | 'time' | 'number' | 'place' | 'none';

const CUES: [AnswerType, RegExp][] = [
  // Order matters: "tahun berapa"/"what year" ask for a time, not a number.
  ['time', /\b(kapan\w*|tanggal berapa|tahun berapa|hari apa|bulan apa|pukul berapa|jam berapa|when|what (year|date|day|month|time)|which (year|date|day|month))\b/],
  ['number', /\b(berapa\w*|how (many|much|long|old|far|often)|what (number|percentage|amount))\b/],
  ['person', /\b(siapa\w*|who|whom|whose)\b/],
  ['place', /\b(di ?mana\w*|ke ?mana|dari ?mana|where|which (country|city|place|region)|negara (apa|mana)|kota (apa|mana))\b/],
];

export function expectedAnswerType(question: string): AnswerType {
  const q = normalize(question);
  for (const [type, cue] of CUES) if (cue.test(q)) return type;
  return 'none';
}

const MONTHS = `januari februari maret april mei juni juli agustus september oktober november desember january february
  march may june july august october december jan feb mar apr jun jul aug sep sept oct nov dec`.split(/\s+/);
const DAYS = 'senin selasa rabu kamis jumat sabtu minggu monday tuesday wednesday thursday friday saturday sunday'.split(' ');
const TIME_WORDS = new Set([...MONTHS, ...DAYS, 'abad', 'century', 'tahun', 'year', 'pukul', 'dekade', 'decade', 'kemarin', 'yesterday', 'today', 'hari', 'pagi', 'siang', 'sore', 'malam', 'morning', 'evening', 'night', 'bc', 'ad', 'sm', 'masehi']);
const NUMBER_WORDS = new Set(
  `satu dua tiga empat lima enam tujuh delapan sembilan sepuluh sebelas puluh belas ratus ratusan ribu ribuan juta jutaan
  miliar triliun setengah seratus seribu kedua ketiga keempat one two three four five six seven eight nine ten eleven twelve
  twenty thirty forty fifty hundred hundreds thousand thousands million millions billion half dozen first second third`.split(/\s+/),
);
const DURATION_WORDS = new Set('menit jam detik hari minggu bulan tahun minute minutes hour hours second seconds day days week weeks month months year years'.split(' '));

const PLACE = /\b(?:di|ke|dari|dekat|in|at|near|from|to)\s+(\p{Lu}[\p{L}-]*)/u;
const PLACE_G = new RegExp(PLACE.source, 'gu');

/** Capitalised words of the sentence (not its first word), lower-cased, that are not in the question. */
function newCapitalised(sentence: string, questionWords: Set<string>): string[] {
  const out: string[] = [];
  const tokens = sentence.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  tokens.forEach((t, i) => {
    if (i === 0 || !/^\p{Lu}/u.test(t)) return;
    const w = words(t)[0];
    if (w && !questionWords.has(w)) out.push(w);
  });
  return out;
}

/** Does the sentence hold an answer of the expected type (beyond what the question already says)? */
export function hasAnswerEvidence(type: AnswerType, sentence: string, question: string): boolean {
  if (type === 'none') return true;
  const qWords = new Set(words(question));
  const sWords = words(sentence).filter((w) => !qWords.has(w));
  switch (type) {
    case 'time':
      return sWords.some((w) => TIME_WORDS.has(w) || /^(1\d{3}|20\d{2})$/.test(w)) || /\d{1,2}\/\d{1,2}\/\d{2,4}/.test(sentence);
    case 'number':
      return sWords.some((w) => /\d/.test(w) || NUMBER_WORDS.has(w) || DURATION_WORDS.has(w));
    case 'person':
      return newCapitalised(sentence, qWords).length > 0;
    case 'place':
      // A new capitalised word right after a locative preposition: "di San Francisco", "near Iran".
      return PLACE.test(sentence) && [...sentence.matchAll(PLACE_G)].some((m) => !qWords.has(words(m[1])[0] ?? ''));
  }
}
