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

// Spans that answer a typed question directly, found inside the best sentence.
const DATE_SPAN = /(?:\b(?:hari\s+)?(?:senin|selasa|rabu|kamis|jumat|sabtu|minggu|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b\s*)?\(?\b\d{1,2}\/\d{1,2}\/\d{2,4}\)?|\b(?:hari\s+)?(?:senin|selasa|rabu|kamis|jumat|sabtu|minggu|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b\d{1,2}\s+(?:januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|january|february|march|may|june|july|august|october|december)(?:\s+\d{4})?\b|\b(?:1\d{3}|20\d{2})\b/iu;
const NUMBER_SPAN = new RegExp(
  `\\b\\d[\\d.,]*\\s*(?:%|persen|percent|${[...DURATION_WORDS].join('|')}|orang|people|kali|times)?\\b|\\b(?:${[...NUMBER_WORDS].join('|')})\\s+(?:${[...DURATION_WORDS].join('|')})\\b`,
  'iu',
);
const CAPITALISED_RUN = /\p{Lu}[\p{L}'’-]*(?:\s+\p{Lu}[\p{L}'’-]*)*/gu;
const PLACE_RUN = /\b(?:di|ke|dari|dekat|in|at|near|from)\s+((?:dekat\s+)?\p{Lu}[\p{L}-]*(?:\s+\p{Lu}[\p{L}-]*)*)/gu;

/** Does this run of words say something the question does not already say? */
function isNew(run: string, known: Set<string>): boolean {
  return words(run).some((w) => !known.has(w));
}

/** Character positions in the sentence where one of the question's words (or their translations) stands. */
function knownPositions(sentence: string, known: Set<string>): number[] {
  const out: number[] = [];
  for (const m of sentence.matchAll(/[\p{L}\p{N}]+/gu)) if (known.has(words(m[0])[0] ?? '')) out.push(m.index ?? 0);
  return out;
}

/**
 * The short answer inside a sentence for a typed question: a name for who, a date or day for when, a number
 * with its unit for how many/how long, a place for where. `known` holds the question's words and their
 * translations, so what the question already says is never "the answer". Among several names, the one nearest
 * the question's words wins ("Menteri Luar Negeri Jepang, Toshimitsu Motegi"). Null when nothing fits.
 */
export function answerSpan(type: AnswerType, sentence: string, known: Set<string>): string | null {
  switch (type) {
    case 'time': {
      const m = DATE_SPAN.exec(sentence);
      return m && isNew(m[0], known) ? m[0].trim() : null;
    }
    case 'number': {
      const m = NUMBER_SPAN.exec(sentence);
      return m && isNew(m[0], known) ? m[0].trim() : null;
    }
    case 'person': {
      const anchors = knownPositions(sentence, known);
      const first = sentence.match(/^\s*\S+/)?.[0].length ?? 0;
      let best: { text: string; distance: number } | null = null;
      for (const m of sentence.matchAll(CAPITALISED_RUN)) {
        const start = m.index ?? 0;
        // Only the run's new words: "Menteri Luar Negeri Jepang" says nothing the question didn't.
        const fresh = m[0].split(/\s+/).filter((w) => isNew(w, known));
        if (start < first || fresh.length === 0 || fresh.join(' ').length <= 2) continue;
        const distance = anchors.length ? Math.min(...anchors.map((a) => Math.abs(a - start))) : start;
        if (!best || distance < best.distance) best = { text: fresh.join(' '), distance };
      }
      return best?.text ?? null;
    }
    case 'place': {
      for (const m of sentence.matchAll(PLACE_RUN)) {
        const place = m[1].replace(/^dekat\s+/i, '');
        if (isNew(place, known)) return place;
      }
      return null;
    }
    default:
      return null;
  }
}
