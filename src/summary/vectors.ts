import { keyTerms } from '../text/tokenize.js';

/**
 * Unit-length TF-IDF vectors of sentences over their own key terms (stemmed, without function words), with
 * document frequencies counted over the same sentences. Local IDF is the point: words every sentence of the
 * story shares ("Menteri Luar Negeri Korea Selatan") weigh little, so what separates the story's threads
 * (Hormuz, Motegi) stands out. Cheap, offline and the same whichever embeddings the store uses.
 */
export function sentenceVectors(texts: string[]): Float64Array[] {
  const bags = texts.map((text) => {
    const counts = new Map<string, number>();
    for (const term of keyTerms(text)) counts.set(term, (counts.get(term) ?? 0) + 1);
    return counts;
  });
  const vocabulary = new Map<string, number>();
  const df: number[] = [];
  for (const bag of bags) {
    for (const term of bag.keys()) {
      let id = vocabulary.get(term);
      if (id === undefined) {
        id = vocabulary.size;
        vocabulary.set(term, id);
        df.push(0);
      }
      df[id]++;
    }
  }
  const n = texts.length;
  return bags.map((bag) => {
    const vector = new Float64Array(vocabulary.size);
    for (const [term, count] of bag) {
      const id = vocabulary.get(term)!;
      vector[id] = (1 + Math.log(count)) * Math.log((n + 1) / df[id]);
    }
    let norm = 0;
    for (const v of vector) norm += v * v;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let i = 0; i < vector.length; i++) vector[i] /= norm;
    return vector;
  });
}
