import { describe, expect, it } from 'vitest';
import { renderAnswerText, renderSources, terminalSafe } from '../src/answer/renderText.js';
import type { AnswerResult } from '../src/answer/types.js';

/** Seed or model text printed to a terminal (CLI, console) must not drive the terminal. */
const HOSTILE = 'dibuka \u001b[2J\u001b[31mpukul tujuh\u0007 oleh \u202edinas\u202c \u2066x\u2069\u200f\u061c';
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

describe('terminal rendering of seed and model text', () => {
  it('turns every control and bidi character into a visible replacement, keeping line breaks and tabs', () => {
    expect(terminalSafe('a\u001b[31mb\u0007\tc\nd\u202ee')).toBe('a\ufffd[31mb\ufffd\tc\nd\ufffde');
  });

  it('answers, short answers and sources never carry raw control characters', () => {
    const citation = { n: 1, source: 'seeds/a.txt', start: 0, end: HOSTILE.length, quote: HOSTILE, chunkId: 'c0', score: 1 };
    const result: AnswerResult = {
      question: 'Kapan?',
      language: 'id',
      mode: 'llm',
      abstained: false,
      answer: `${HOSTILE} [1].`,
      shortAnswer: HOSTILE,
      citations: [citation],
      confidence: 0.9,
      timings: { retrieveMs: 1, answerMs: 1 },
    };
    const text = renderAnswerText(result, () => undefined);
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text).toContain('dibuka \ufffd[2J\ufffd[31mpukul tujuh\ufffd oleh \ufffddinas\ufffd');
    expect(renderSources([citation], () => '2020\u001b[0m').join('\n')).not.toMatch(RAW_CONTROL);
  });
});
