import { describe, expect, it } from 'vitest';
import { FEATURE_NAMES, abstentionFeatures, isNegated } from '../src/answer/abstentionFeatures.js';
import { confidenceOf } from '../src/answer/confidence.js';
import { gatherEvidence } from '../src/answer/evidence.js';
import { sentenceStats } from '../src/answer/sentenceStats.js';
import { segmentDocument } from '../src/chunk/chunker.js';
import { HashingEmbeddings } from '../src/embed/hashingEmbeddings.js';
import { KnowledgeBase } from '../src/retrieve/knowledgeBase.js';
import { detectLanguage } from '../src/text/language.js';

const PASSAGE =
  'The steam engine was improved by James Watt in 1776. Watt added a separate condenser to the engine. ' +
  'Thomas Newcomen built the first practical engine in 1712 to pump water out of mines.';

async function features(question: string): Promise<Record<(typeof FEATURE_NAMES)[number], number> & { confidence: number }> {
  const kb = await KnowledgeBase.build([segmentDocument({ source: 'p1', title: '', content: PASSAGE })], new HashingEmbeddings({ dimensions: 64 }), { targetChars: 600, overlapSentences: 0 }, { lexicalWeight: 0.5, hnswEf: 50 });
  const evidence = await gatherEvidence(kb, question, detectLanguage(question), { k: 3 });
  const stats = sentenceStats(kb);
  const values = abstentionFeatures(kb, stats, evidence.analysis, evidence.ranked[0]);
  return { ...Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, values[i]])), confidence: confidenceOf(kb, stats, evidence.analysis, evidence.ranked[0]) } as never;
}

describe('abstention features', () => {
  it('a question the best sentence answers word for word has nothing missing', async () => {
    const f = await features('When was the steam engine improved by James Watt?');
    expect(f).toMatchObject({ absentMax: 0, spreadMax: 0, entityMissing: 0, negationMissing: 0, typeOk: 1 });
    expect(f.gram).toBeGreaterThan(0.9);
  });

  it('a swapped-in name is absent from the passage and lowers the confidence', async () => {
    const answerable = await features('When was the steam engine improved by James Watt?');
    const swapped = await features('When was the steam engine improved by James Maxwell?');
    expect(swapped.absentMax).toBeGreaterThan(0);
    expect(swapped.entityMissing).toBe(1);
    expect(swapped.confidence).toBeLessThan(answerable.confidence);
  });

  it('a question joining words from different sentences counts as spread, not absent', async () => {
    const f = await features('When was the steam engine improved by James Watt to pump water out of mines?');
    expect(f.spreadMax).toBeGreaterThan(0);
  });

  it('negation in the question but not in the sentence is flagged, in both languages', async () => {
    expect((await features('When was the steam engine not improved by James Watt?')).negationMissing).toBe(1);
    expect(isNegated('Kapan Watt tidak memperbaiki mesin uap?')).toBe(true);
    expect(isNegated("Watt didn't add a condenser")).toBe(true);
    expect(isNegated('Watt added a condenser')).toBe(false);
  });

  it('no retrieved sentence gives all-zero features and zero confidence', async () => {
    const kb = await KnowledgeBase.build([], new HashingEmbeddings({ dimensions: 64 }), { targetChars: 600, overlapSentences: 0 }, { lexicalWeight: 0.5, hnswEf: 50 });
    const evidence = await gatherEvidence(kb, 'Who built it?', 'en', { k: 3 });
    expect(abstentionFeatures(kb, sentenceStats(kb), evidence.analysis, undefined)).toEqual(FEATURE_NAMES.map(() => 0));
    expect(evidence.confidence).toBe(0);
  });
});
