import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { chunkDocument, segmentDocument } from '../src/chunk/chunker.js';
import { SEED_FILE } from './helpers/tempProject.js';

const seedDoc = () =>
  segmentDocument({ source: 'seeds/seed.txt', title: 'seed', content: readFileSync(SEED_FILE, 'utf8') });

describe('chunkDocument', () => {
  it('gives every chunk exact offsets: content.slice(start, end) is its text, sentences inside it', () => {
    const doc = seedDoc();
    for (const size of [100, 300, 600, 2000]) {
      for (const overlap of [0, 1, 2]) {
        const chunks = chunkDocument(doc, { targetChars: size, overlapSentences: overlap });
        for (const c of chunks) {
          expect(doc.content.slice(c.start, c.end)).toBe(c.text);
          expect(c.sentences[0].start).toBe(c.start);
          expect(c.sentences[c.sentences.length - 1].end).toBe(c.end);
        }
        // Every sentence is in some chunk.
        for (const s of doc.sentences) expect(chunks.some((c) => c.start <= s.start && s.end <= c.end)).toBe(true);
      }
    }
  });

  it('respects the target size except for single long sentences, and overlaps by whole sentences', () => {
    const doc = seedDoc();
    const chunks = chunkDocument(doc, { targetChars: 450, overlapSentences: 1 });
    for (const c of chunks) expect(c.text.length <= 450 || c.sentences.length === 1).toBe(true);
    for (let i = 1; i < chunks.length; i++) {
      const prev = chunks[i - 1].sentences;
      expect(chunks[i].sentences[0]).toEqual(prev[prev.length - 1]);
    }
  });

  it('has stable, unique ids', () => {
    const a = chunkDocument(seedDoc(), { targetChars: 600, overlapSentences: 1 });
    const b = chunkDocument(seedDoc(), { targetChars: 600, overlapSentences: 1 });
    expect(a.map((c) => c.id)).toEqual(b.map((c) => c.id));
    expect(new Set(a.map((c) => c.id)).size).toBe(a.length);
  });

  it('makes no chunks for a document without sentences', () => {
    const doc = segmentDocument({ source: 's', title: 't', content: '   ' });
    expect(chunkDocument(doc, { targetChars: 600, overlapSentences: 1 })).toEqual([]);
  });
});
