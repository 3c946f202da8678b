import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { splitSentences, MAX_SENTENCE_CHARS } from '../src/text/sentences.js';
import { SEED_FILE } from './helpers/tempProject.js';

const texts = (text: string) => splitSentences(text).map((s) => text.slice(s.start, s.end));

describe('splitSentences', () => {
  const seed = readFileSync(SEED_FILE, 'utf8');

  it('splits the seed into its header line and its body sentences, joined or not by spaces', () => {
    const sentences = texts(seed);
    expect(sentences[0]).toBe('date 2020-01 Photo : YONHAP News');
    // The body has 11 sentence-ending periods; with the header line that is 12 citable sentences.
    expect(sentences).toHaveLength(12);
    expect(sentences[1].startsWith('Para diplomat tertinggi')).toBe(true);
    expect(sentences[1].endsWith('meja perundingan.')).toBe(true);
    expect(sentences[2].startsWith('Menteri Luar Negeri Korea Selatan')).toBe(true);
    expect(sentences[5].startsWith('Kementerian itu mengatakan')).toBe(true); // after "AS.Kementerian"
    expect(sentences[11].endsWith('kerja sama trilateral.')).toBe(true);
  });

  it('gives offsets that slice back to the sentence, with no whitespace at either end', () => {
    for (const s of splitSentences(seed)) {
      const text = seed.slice(s.start, s.end);
      expect(text).toBe(text.trim());
      expect(text.length).toBeGreaterThan(0);
    }
  });

  it('keeps dates in brackets, decimals, thousands, initials and abbreviations inside one sentence', () => {
    const text =
      'Dr. J. Smith paid $3.5 million on Jan. 5 in the U.S. capital. He left.Then Prof. Budi, S.H. came (14/01/20). ' +
      'Harga naik 1.000 rupiah dll. dan seterusnya! Benarkah? Ya.';
    expect(texts(text)).toEqual([
      'Dr. J. Smith paid $3.5 million on Jan. 5 in the U.S. capital.',
      'He left.',
      'Then Prof. Budi, S.H. came (14/01/20).',
      'Harga naik 1.000 rupiah dll. dan seterusnya!',
      'Benarkah?',
      'Ya.',
    ]);
  });

  it('ends a sentence at a blank line and after closing quotes', () => {
    expect(texts('Judul tanpa titik\n\nKalimat pertama. "Kutipan penuh." Lalu selesai.')).toEqual([
      'Judul tanpa titik',
      'Kalimat pertama.',
      '"Kutipan penuh."',
      'Lalu selesai.',
    ]);
  });

  it('does not split "U.S.A" or a lower-case continuation', () => {
    expect(texts('Made in the U.S.A. today. It rains, e.g. here. and there.')).toEqual(['Made in the U.S.A. today.', 'It rains, e.g. here. and there.']);
  });

  it('caps a sentence with no punctuation so it stays citable', () => {
    const text = 'kata '.repeat(1000).trim();
    const spans = splitSentences(text);
    expect(spans.length).toBeGreaterThan(1);
    for (const s of spans) expect(s.end - s.start).toBeLessThanOrEqual(MAX_SENTENCE_CHARS);
  });

  it('handles empty and whitespace-only text', () => {
    expect(splitSentences('')).toEqual([]);
    expect(splitSentences('  \n\n ')).toEqual([]);
  });
});
