import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { escapeDiscordMarkdown, splitMessage, truncate } from '../src/discord/renderText.js';
import { embedLength, EMBED_LIMITS, renderAnswerButtons, renderAnswerEmbed, renderAnswerText, renderFullSources, renderSearchEmbed, renderSummaryEmbed } from '../src/discord/render.js';
import { parseButtonId, buttonId } from '../src/discord/customIds.js';
import type { AnswerResult, Citation } from '../src/answer/types.js';

const lookup = (source: string) => (source.endsWith('a.txt') ? { title: 'Doc A', date: '2020-01' } : undefined);

function citation(n: number, quote: string, source = 'seeds/a.txt'): Citation {
  return { n, source, start: n * 100, end: n * 100 + quote.length, quote, chunkId: `c${n}`, score: 0.5 };
}

function result(overrides: Partial<AnswerResult> = {}): AnswerResult {
  return { question: 'Where?', language: 'en', mode: 'extractive', abstained: false, answer: 'In San Francisco [1].', citations: [citation(1, 'They met in San Francisco.')], confidence: 0.8, timings: { retrieveMs: 1, answerMs: 1 }, ...overrides };
}

describe('escapeDiscordMarkdown', () => {
  it('neutralises emphasis, code, spoilers, quotes, links, headings and mention syntax', () => {
    expect(escapeDiscordMarkdown('**bold** _it_ ~~s~~ `c` ||sp|| > q [l](u) <@123>')).toBe('\\*\\*bold\\*\\* \\_it\\_ \\~\\~s\\~\\~ \\`c\\` \\|\\|sp\\|\\| \\> q \\[l\\]\\(u\\) \\<@123\\>');
    expect(escapeDiscordMarkdown('# Title\n- item\n1. one')).toBe('\\# Title\n\\- item\n1\\. one');
  });

  it('unescaping gives the original back (nothing is lost)', () => {
    fc.assert(fc.property(fc.string(), (s) => escapeDiscordMarkdown(s).replace(/\\(.)/gs, '$1') === s));
  });
});

describe('splitMessage', () => {
  it('keeps short text whole', () => {
    expect(splitMessage('Hello.')).toEqual(['Hello.']);
  });

  it('splits on paragraphs first, then sentences, every part under the limit', () => {
    const para = (p: number) => Array.from({ length: 10 }, (_, i) => `Paragraph ${p} sentence ${i} has some words in it.`).join(' ');
    const text = [para(1), para(2), para(3), para(4), para(5)].join('\n\n');
    const parts = splitMessage(text, 1000);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part.length).toBeLessThanOrEqual(1000);
    expect(parts[0].endsWith('sentence 9 has some words in it.')).toBe(true);
    expect(parts.join(' ').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });

  it('a long paragraph is cut between sentences, not inside one', () => {
    const text = Array.from({ length: 60 }, (_, i) => `Sentence ${i} ends here.`).join(' ');
    const parts = splitMessage(text, 300);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(300);
      expect(part).toMatch(/^Sentence \d+ ends here\..*ends here\.$/);
    }
  });

  it('never cuts inside a code block: a block that fits moves whole, a huge one is re-fenced in each part', () => {
    const code = '```ts\n' + Array.from({ length: 8 }, (_, i) => `const x${i} = ${i};`).join('\n') + '\n```';
    const text = `${'Intro sentence. '.repeat(12).trim()}\n\n${code}\n\nAfter.`;
    const parts = splitMessage(text, 250);
    const withCode = parts.find((p) => p.includes('const x0'))!;
    expect(withCode).toContain(code);
    const huge = '```\n' + Array.from({ length: 200 }, (_, i) => `line ${i}`).join('\n') + '\n```';
    const hugeParts = splitMessage(huge, 300);
    expect(hugeParts.length).toBeGreaterThan(3);
    for (const part of hugeParts) {
      expect(part.length).toBeLessThanOrEqual(300);
      expect(part.startsWith('```')).toBe(true);
      expect(part.endsWith('```')).toBe(true);
    }
  });

  it('never splits inside a bold or inline-code span', () => {
    const text = `${'Plain sentence here. '.repeat(5)}**Bold one. Bold two. Bold three.** ${'Tail sentence. '.repeat(5)}`;
    const parts = splitMessage(text.trim(), 120);
    for (const part of parts) expect((part.match(/\*\*/g)?.length ?? 0) % 2).toBe(0);
    expect(parts.some((p) => p.includes('**Bold one. Bold two. Bold three.**'))).toBe(true);
  });

  it('for any text: parts are under the limit and no words are lost', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z]{1,12}[.!?]?$/), { maxLength: 400 }), fc.integer({ min: 60, max: 500 }), (words, limit) => {
        const text = words.join(' ');
        const parts = splitMessage(text, limit);
        for (const p of parts) expect(p.length).toBeLessThanOrEqual(limit);
        expect(parts.join(' ').split(/\s+/).filter(Boolean)).toEqual(text.split(/\s+/).filter(Boolean));
      }),
    );
  });
});

describe('truncate', () => {
  it('respects the maximum and marks the cut', () => {
    expect(truncate('short', 10)).toBe('short');
    const cut = truncate('word '.repeat(100), 50);
    expect(cut.length).toBeLessThanOrEqual(50);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('answer embed', () => {
  it('has the answer, one Sources field per citation as "[n] file · date" + quoted snippet, and mode/time in the footer', () => {
    const embed = renderAnswerEmbed(result(), { elapsedMs: 42, lookup });
    expect(embed.description).toBe('In San Francisco [1].');
    expect(embed.fields).toEqual([{ name: '[1] a.txt · 2020-01', value: '“They met in San Francisco.”' }]);
    expect(embed.footer?.text).toBe('extractive · 42 ms');
  });

  it('escapes markdown inside quotes', () => {
    const embed = renderAnswerEmbed(result({ citations: [citation(1, 'a *starred* _word_')] }), { elapsedMs: 1, lookup });
    expect(embed.fields![0].value).toBe('“a \\*starred\\* \\_word\\_”');
  });

  it('stays within every Discord limit whatever the sizes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9000 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 3000 }), (answerLength, count, quoteLength) => {
        const citations = Array.from({ length: count }, (_, i) => citation(i + 1, 'q'.repeat(quoteLength), `seeds/${'long-name-'.repeat(i % 5)}a.txt`));
        const embed = renderAnswerEmbed(result({ answer: 'x'.repeat(answerLength), citations, question: 'Q'.repeat(answerLength % 700) }), { elapsedMs: 5, lookup });
        expect(embed.description!.length).toBeLessThanOrEqual(EMBED_LIMITS.description);
        expect(embed.title!.length).toBeLessThanOrEqual(EMBED_LIMITS.title);
        expect(embed.fields!.length).toBeLessThanOrEqual(EMBED_LIMITS.fields);
        for (const f of embed.fields!) {
          expect(f.name.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldName);
          expect(f.value.length).toBeLessThanOrEqual(EMBED_LIMITS.fieldValue);
        }
        expect(embedLength(embed)).toBeLessThanOrEqual(EMBED_LIMITS.total);
      }),
      { numRuns: 60 },
    );
  });

  it('an abstention looks different: no Sources, the closest passages marked as not an answer, a pointer to /search', () => {
    const abstained = result({ abstained: true, answer: 'The briefing does not say.', citations: [], closest: [citation(1, 'Nearby text.'), citation(2, 'Other.'), citation(3, 'Third.')] });
    const embed = renderAnswerEmbed(abstained, { elapsedMs: 3, lookup });
    const answered = renderAnswerEmbed(result(), { elapsedMs: 3, lookup });
    expect(embed.color).not.toBe(answered.color);
    expect(embed.title).toBe('Not in the briefing: Where?');
    expect(embed.description).toContain('/search');
    expect(embed.fields).toHaveLength(2);
    for (const f of embed.fields!) expect(f.name).toMatch(/^Closest passage \(not an answer\)/);
    expect(renderAnswerButtons('k', true)[0].components.map((b) => ('custom_id' in b ? b.custom_id : ''))).toEqual(['bb:up:k', 'bb:down:k']);
  });

  it('an Indonesian abstention speaks Indonesian', () => {
    const abstained = result({ language: 'id', question: 'Apa ibu kota Australia?', abstained: true, answer: 'Briefing ini tidak menyebutkan hal itu.', citations: [], closest: [citation(1, 'Teks.')] });
    const embed = renderAnswerEmbed(abstained, { elapsedMs: 3, lookup });
    expect(embed.title).toBe('Tidak ada di briefing: Apa ibu kota Australia?');
    expect(embed.description).toContain('Coba `/search`');
    expect(embed.fields![0].name).toMatch(/^Bagian terdekat \(bukan jawaban\)/);
  });

  it('leads with the short answer in bold, and escapes markdown in quoted sentences but not the [n] markers', () => {
    const embed = renderAnswerEmbed(result({ shortAnswer: 'San *Francisco*', answer: 'They met in *San Francisco* [1].' }), { elapsedMs: 3, lookup });
    expect(embed.description).toBe('**San \\*Francisco\\*** [1]\n\nThey met in \\*San Francisco\\* [1].');
  });

  it('plain text version lists sources and splits below 2,000', () => {
    const parts = renderAnswerText(result({ answer: 'Long sentence here. '.repeat(150) }), { elapsedMs: 3, lookup });
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.length).toBeLessThan(2000);
    expect(parts.at(-1)).toContain('[1] a.txt · 2020-01 · “They met in San Francisco.”');
  });

  it('full sources show each whole passage with its position', () => {
    const quote = 'A'.repeat(700);
    const [text] = renderFullSources([citation(1, quote)], lookup);
    expect(text).toContain(quote);
    expect(text).toContain('characters 100–800');
  });
});

/** A live masked link or mention: `[text](url)` or `<@…>`, `<#…>`, `<t:…>` with nothing escaping it. */
const LIVE_MARKUP = /(?<!\\)\[[^\]]*(?<!\\)\]\(|(?<!\\)<[@#:t]/;
const HOSTILE = 'Baca [tautan resmi](https://evil.example/phish) dan hubungi <@&123456789012345678> segera';

describe('text from seeds and models is escaped the same way everywhere', () => {
  it('an LLM answer repeating a disguised link and a role mention is escaped; its [n] markers stay', () => {
    const embed = renderAnswerEmbed(result({ mode: 'llm', answer: `${HOSTILE} [1]. **Bold claim** [1].` }), { elapsedMs: 1, lookup });
    expect(embed.description).toBe('Baca \\[tautan resmi\\]\\(https://evil.example/phish\\) dan hubungi \\<@&123456789012345678\\> segera [1]. \\*\\*Bold claim\\*\\* [1].');
    expect(embed.description).not.toMatch(LIVE_MARKUP);
    const [text] = renderAnswerText(result({ mode: 'llm', answer: `${HOSTILE} [1].` }), { elapsedMs: 1, lookup });
    expect(text).not.toMatch(LIVE_MARKUP);
  });

  it('a citation marker cannot be turned into a link', () => {
    const embed = renderAnswerEmbed(result({ mode: 'llm', answer: 'Click [1](https://evil.example/phish).' }), { elapsedMs: 1, lookup });
    expect(embed.description).toBe('Click [1]\\(https://evil.example/phish\\).');
    expect(embed.description).not.toMatch(LIVE_MARKUP);
  });

  it('a summary (extractive or LLM) is escaped line by line, keeping only its own headings and bullets', () => {
    const summary = ['**Doc [x](https://evil.example) <@&1>** (2020-01)', `- ${HOSTILE} [1]`, `# Heading ${HOSTILE} [2]`, '> quoted ||spoiler|| [2]'].join('\n');
    const embed = renderSummaryEmbed({ style: 'bullets', summary, citations: [citation(1, 'q'), citation(2, 'r')], mode: 'llm', cached: false }, { elapsedMs: 2, lookup });
    expect(embed.description!.split('\n')).toEqual([
      '**Doc \\[x\\]\\(https://evil.example\\) \\<@&1\\>** (2020-01)',
      '- Baca \\[tautan resmi\\]\\(https://evil.example/phish\\) dan hubungi \\<@&123456789012345678\\> segera [1]',
      '\\# Heading Baca \\[tautan resmi\\]\\(https://evil.example/phish\\) dan hubungi \\<@&123456789012345678\\> segera [2]',
      '\\> quoted \\|\\|spoiler\\|\\| [2]',
    ]);
    expect(embed.description).not.toMatch(LIVE_MARKUP);
  });

  it('file names, dates and titles from the seeds are escaped in message content', () => {
    const hostileLookup = () => ({ title: '[t](https://evil.example)', date: '<@&9>' });
    const [full] = renderFullSources([citation(1, 'quote', 'seeds/<@&7>_x.txt')], hostileLookup);
    expect(full).not.toMatch(LIVE_MARKUP);
    expect(full).toContain('\\<@&7\\>\\_x.txt · \\<@&9\\>');
    const [text] = renderAnswerText(result({ citations: [citation(1, 'quote', 'seeds/<@&7>.txt')] }), { elapsedMs: 1, lookup: hostileLookup });
    expect(text).not.toMatch(LIVE_MARKUP);
  });
});

describe('summary and search embeds', () => {
  it('summary: style in the title, citations as fields, cached shown', () => {
    const embed = renderSummaryEmbed({ style: 'brief', summary: 'S [1].', citations: [citation(1, 'q')], mode: 'extractive', cached: true, notice: 'In Indonesian.' }, { elapsedMs: 2, lookup, topic: 'Hormuz' });
    expect(embed.title).toBe('Summary (brief): Hormuz');
    expect(embed.description).toContain('*In Indonesian.*');
    expect(embed.footer?.text).toBe('extractive · cached · 2 ms');
  });

  it('search: one field per hit with positions and score', () => {
    const embed = renderSearchEmbed('q', [{ rank: 1, source: 'seeds/a.txt', start: 0, end: 50, score: 0.91234, text: 'passage' }], lookup);
    expect(embed.fields).toEqual([{ name: '#1 a.txt · 2020-01 · chars 0–50 · score 0.91', value: '“passage”' }]);
  });
});

describe('button ids', () => {
  it('round-trip and stay under 100 characters; foreign ids are rejected', () => {
    const id = buttonId('sources', 'abcDEF_-12');
    expect(id.length).toBeLessThanOrEqual(100);
    expect(parseButtonId(id)).toEqual({ action: 'sources', key: 'abcDEF_-12' });
    expect(parseButtonId('bb:delete:abc')).toBeNull();
    expect(parseButtonId('other:up:abc')).toBeNull();
  });
});
