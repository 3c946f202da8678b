import { expectedAnswerType, type AnswerType } from '../answer/answerType.js';
import { isStopword } from '../text/stopwords.js';
import { words } from '../text/tokenize.js';

/**
 * What kind of answer a question wants, as feature contexts: the coarse type shared by both languages
 * (siapa/who → person), the question word itself, and the question word with the word it governs
 * ("tahun berapa", "what year", "berapa jumlah"), which is what separates a year from a count.
 */
export interface QuestionCues {
  type: AnswerType;
  wh: string;
  whHead: string;
  /** Feature contexts, coarse to fine. */
  contexts: string[];
  /** Lower-cased words of the question. */
  words: Set<string>;
}

const WH_WORDS = new Map<string, string>([
  ...['siapa', 'kapan', 'berapa', 'dimana', 'mana', 'apa', 'apakah', 'mengapa', 'kenapa', 'bagaimana', 'manakah'].map((w) => [w, w] as [string, string]),
  ['bilamana', 'kapan'],
  ...['who', 'whom', 'whose', 'when', 'where', 'what', 'which', 'why', 'how'].map((w) => [w, w] as [string, string]),
]);

/** "siapakah" → "siapa", "dimanakah" → "dimana". */
function whOf(word: string): string | undefined {
  const direct = WH_WORDS.get(word);
  if (direct) return direct;
  const bare = word.replace(/(kah|lah)$/, '');
  return bare !== word ? WH_WORDS.get(bare) : undefined;
}

export function questionCues(question: string): QuestionCues {
  const tokens = words(question);
  let wh = 'none';
  let head = '';
  for (let i = 0; i < tokens.length; i++) {
    let found = whOf(tokens[i]);
    // "di mana", "ke mana", "dari mana": one question word.
    if (found === 'mana' && i > 0 && ['di', 'ke', 'dari'].includes(tokens[i - 1])) found = `${tokens[i - 1]}mana`;
    if (!found) continue;
    wh = found;
    const next = tokens.slice(i + 1).find((w) => !isStopword(w) || ['many', 'much', 'long', 'old', 'year', 'tahun'].includes(w));
    // The governed word comes after the question word ("tahun berapa" has it before: take that one).
    const before = i > 0 && !isStopword(tokens[i - 1]) ? tokens[i - 1] : undefined;
    head = (wh === 'berapa' || wh === 'apa') && before ? before : (next ?? '');
    if (wh !== 'apakah' || i === tokens.length - 1) break;
  }
  const type = expectedAnswerType(question);
  const whHead = head ? `${wh}:${head}` : wh;
  return { type, wh, whHead, contexts: [`t:${type}`, `w:${wh}`, `h:${whHead}`], words: new Set(tokens) };
}
