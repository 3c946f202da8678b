import { promises as fs } from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../../src/util/random.js';

/**
 * Seeded made-up text for store tests that need many chunks without ../shared (CI may lack it): words built
 * from syllables, sentences of 8–12 words. The same seed gives the same files.
 */
const SYLLABLES = ['ka', 'ri', 'mu', 'sel', 'tan', 'po', 'ne', 'da', 'lu', 'gar', 'si', 'wo', 'ban', 'te', 'ju', 'ra', 'min', 'so'];

export function syntheticSentences(count: number, seed = 1): string[] {
  const random = seededRandom(seed);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const word = () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(SYLLABLES)).join('');
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 8 + Math.floor(random() * 5) }, word);
    words[0] = words[0][0].toUpperCase() + words[0].slice(1);
    return `${words.join(' ')}.`;
  });
}

/** Writes `sentences` into `files` text files under `dir`, named `<prefix>-NNN.txt`; returns their names. */
export async function writeSyntheticSeeds(dir: string, sentences: string[], files: number, prefix = 'synthetic'): Promise<string[]> {
  const names: string[] = [];
  const per = Math.ceil(sentences.length / files);
  for (let f = 0; f * per < sentences.length; f++) {
    const name = `${prefix}-${String(f).padStart(3, '0')}.txt`;
    await fs.writeFile(path.join(dir, name), `${sentences.slice(f * per, (f + 1) * per).join(' ')}\n`);
    names.push(name);
  }
  return names;
}
