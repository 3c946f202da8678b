import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BriefingService } from '../src/service.js';
import { createSummarizer } from '../src/summary/summarizer.js';
import { tempProject } from './helpers/tempProject.js';
import { startFakeModelServer, type FakeModelServer, type RecordedRequest } from './helpers/fakeModelServer.js';

/**
 * The real ChatOpenAI client against the shared stand-in server. The scripted reply "summarises" by citing the
 * passages that mention the seed's three threads, plus an invented citation and an uncited sentence.
 */
interface Call {
  system: string;
  user: string;
}

function callOf(request: RecordedRequest): Call {
  const messages = (request.body.messages ?? []) as { role: string; content: string }[];
  return {
    system: messages.find((m) => m.role === 'system')?.content ?? '',
    user: messages.filter((m) => m.role === 'user').map((m) => m.content).join('\n'),
  };
}

function reply(request: RecordedRequest): string {
  const call = callOf(request);
  const numbered = [...call.user.matchAll(/^\[(\d+)\] (.*)$/gm)].map((m) => ({ n: Number(m[1]), text: m[2] }));
  const notes = [...call.user.matchAll(/^- (.*)$/gm)].map((m) => m[1]);
  if (/take notes/.test(call.system)) return numbered.map((p) => `- ${p.text} [${p.n}]`).join('\n');
  const source = numbered.length ? numbered.map((p) => ({ text: p.text, marker: `[${p.n}]` })) : notes.map((t) => ({ text: t, marker: t.match(/\[\d+\]/)![0] }));
  const find = (re: RegExp) => source.find((p) => re.test(p.text))?.marker ?? '';
  return [
    `South Korea and the US agreed to bring North Korea back to talks ${find(/Korea Utara/)}.`,
    `Washington asked Seoul to join the Hormuz coalition ${find(/Hormuz/)}.`,
    `They met Japan's Toshimitsu Motegi ${find(/Motegi/)}.`,
    'The talks also covered trade tariffs [99].',
    'This sentence cites nothing.',
  ].join(' ');
}

let fake: FakeModelServer;
const calls = () => fake.requests.filter((r) => r.path === '/v1/chat/completions').map(callOf);
const scriptOk = (n = 30) => fake.script(...Array.from({ length: n }, () => ({ content: reply })));
beforeAll(async () => {
  fake = await startFakeModelServer();
});
afterAll(() => fake.close());

let project: Awaited<ReturnType<typeof tempProject>>;
let service: BriefingService;
let content: string;
beforeAll(async () => {
  project = await tempProject();
  service = await BriefingService.open(project.config());
  content = await fs.readFile(path.join(project.root, service.kb.documents[0].source), 'utf8');
});
afterAll(() => project.cleanup());

const llmEnv = (extra: Record<string, string> = {}) => ({
  LLM_PROVIDER: 'openai',
  LLM_BASE_URL: fake.openaiBaseUrl,
  LLM_MODEL: 'stand-in',
  LLM_TIMEOUT_MS: '5000',
  SUMMARY_CACHE_DIR: path.join(project.root, 'cache-llm'),
  ...extra,
});

describe('LLM summaries against a stand-in OpenAI server', () => {
  it('one call: every kept statement is cited, invented and missing citations are dropped', async () => {
    fake.reset();
    scriptOk();
    const r = await createSummarizer(service, llmEnv()).summarize({ style: 'brief', lang: 'en' });
    expect(calls()).toHaveLength(1);
    expect(calls()[0].user).toMatch(/English/);
    expect(r.mode).toBe('llm');
    expect(r.summary).toContain('Hormuz');
    expect(r.summary).not.toMatch(/tariffs|cites nothing|\[99\]/);
    expect(r.citations.map((c) => c.n)).toEqual([1, 2, 3]);
    for (const c of r.citations) expect(content.slice(c.start, c.end)).toBe(c.quote);
    expect(r.citations.map((c) => c.quote).join(' ')).toMatch(/Korea Utara[\s\S]*Hormuz[\s\S]*Motegi/);
    for (const s of r.summary.split(/(?<=\.)\s+/)) expect(s).toMatch(/\[\d+\]\.$/);
    // Cached under the model's identity.
    expect((await createSummarizer(service, llmEnv()).summarize({ style: 'brief', lang: 'en' })).cached).toBe(true);
    expect(calls()).toHaveLength(1);
  });

  it('map-reduce when the briefing is larger than one prompt', async () => {
    fake.reset();
    scriptOk();
    const progress: number[][] = [];
    const r = await createSummarizer(service, llmEnv({ SUMMARY_LLM_CHUNK_CHARS: '600', SUMMARY_CACHE_MAX_ENTRIES: '0' })).summarize(
      { style: 'bullets' },
      { onProgress: (d, t) => progress.push([d, t]) },
    );
    const maps = calls().filter((c) => /take notes/.test(c.system));
    expect(maps.length).toBeGreaterThan(2);
    expect(calls()).toHaveLength(maps.length + 1);
    expect(calls().at(-1)!.user).toMatch(/^Notes:/);
    expect(r.mode).toBe('llm');
    for (const c of r.citations) expect(content.slice(c.start, c.end)).toBe(c.quote);
    expect(r.citations.some((c) => c.quote.includes('Motegi'))).toBe(true);
    expect(progress.at(-1)).toEqual([maps.length + 1, maps.length + 1]);
  });

  it('falls back to the extractive summary with a notice when the model fails, and does not cache that', async () => {
    const env = llmEnv({ SUMMARY_CACHE_DIR: path.join(project.root, 'cache-fallback') });
    const failures = [
      () => fake.script({ status: 500 }, { status: 500 }, { status: 500 }), // every retry fails too
      () => fake.script({ content: 'Ringkasan tanpa rujukan sama sekali.' }),
      () => fake.script({ malformed: true }),
    ];
    for (const failing of failures) {
      fake.reset();
      failing();
      const r = await createSummarizer(service, env).summarize({ style: 'brief' });
      expect(r.mode).toBe('extractive');
      expect(r.notice).toMatch(/language model could not write this summary/);
      expect(r.notice).not.toMatch(/fake status/);
      expect(r.citations.length).toBeGreaterThan(0);
      expect(r.cached).toBe(false);
    }
    fake.reset();
    scriptOk();
    const back = await createSummarizer(service, env).summarize({ style: 'brief' });
    expect(back.mode).toBe('llm');
    expect(back.cached).toBe(false);
  });
});
