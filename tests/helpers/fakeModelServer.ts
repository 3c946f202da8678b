import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in on 127.0.0.1 for the chat endpoints of OpenAI (`POST /v1/chat/completions`) and Ollama
 * (`POST /api/chat`, streamed as NDJSON like the real server), so the real ChatOpenAI / ChatOllama clients are
 * exercised over HTTP. Each test scripts the replies in order; more endpoints (e.g. embeddings) can be added
 * with `route`. An unscripted chat call gets HTTP 500 so a test notices it.
 */
export interface RecordedRequest {
  method: string;
  path: string;
  body: Record<string, unknown>;
  authorization?: string;
  /** When the request arrived (Date.now()). */
  time: number;
}

/** One scripted chat reply. `content` may depend on the request (e.g. to cite the right passage number). */
export type ChatReply =
  | { content: string | ((request: RecordedRequest) => string); delayMs?: number }
  | { status: number; delayMs?: number; headers?: Record<string, string> }
  | { malformed: true }
  | { delayMs: number; content?: undefined };

export type RouteHandler = (request: RecordedRequest, res: http.ServerResponse) => void | Promise<void>;

export interface FakeModelServer {
  url: string;
  /** Base URL for ChatOpenAI's `configuration.baseURL` (LLM_BASE_URL with LLM_PROVIDER=openai). */
  openaiBaseUrl: string;
  requests: RecordedRequest[];
  /** Replies for the next chat calls, in order (both providers share the queue). */
  script(...replies: ChatReply[]): void;
  route(method: string, path: string, handler: RouteHandler): void;
  reset(): void;
  close(): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function openaiBody(model: unknown, content: string): string {
  return JSON.stringify({
    id: 'chatcmpl-fake',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 },
  });
}

function ollamaLines(model: unknown, content: string): string {
  const created_at = new Date().toISOString();
  const chunk = { model, created_at, message: { role: 'assistant', content }, done: false };
  const last = {
    model,
    created_at,
    message: { role: 'assistant', content: '' },
    done: true,
    done_reason: 'stop',
    total_duration: 1,
    load_duration: 1,
    prompt_eval_count: 10,
    prompt_eval_duration: 1,
    eval_count: 10,
    eval_duration: 1,
  };
  return `${JSON.stringify(chunk)}\n${JSON.stringify(last)}\n`;
}

export async function startFakeModelServer(): Promise<FakeModelServer> {
  const requests: RecordedRequest[] = [];
  let queue: ChatReply[] = [];
  const routes = new Map<string, RouteHandler>();

  const chat = (flavour: 'openai' | 'ollama'): RouteHandler => async (request, res) => {
    const reply = queue.shift();
    if (reply && 'delayMs' in reply && reply.delayMs) await sleep(reply.delayMs);
    if (res.destroyed || res.writableEnded) return; // the client gave up (timeout)
    if (!reply || 'status' in reply) {
      const status = reply && 'status' in reply ? reply.status : 500;
      res.writeHead(status, { 'content-type': 'application/json', ...(reply && 'status' in reply ? reply.headers : {}) });
      res.end(JSON.stringify(flavour === 'openai' ? { error: { message: `fake status ${status}`, type: 'server_error' } } : { error: `fake status ${status}` }));
      return;
    }
    const contentType = flavour === 'openai' ? 'application/json' : 'application/x-ndjson';
    if ('malformed' in reply) {
      res.writeHead(200, { 'content-type': contentType });
      res.end('{"id": "chatcmpl-fake", "choices": [ {not json\n');
      return;
    }
    const content = typeof reply.content === 'function' ? reply.content(request) : (reply.content ?? '');
    res.writeHead(200, { 'content-type': contentType });
    res.end(flavour === 'openai' ? openaiBody(request.body.model, content) : ollamaLines(request.body.model, content));
  };
  routes.set('POST /v1/chat/completions', chat('openai'));
  routes.set('POST /api/chat', chat('ollama'));

  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw || '{}') as Record<string, unknown>;
      } catch {
        // recorded as empty; the route decides
      }
      const path = (req.url ?? '').split('?')[0];
      const request: RecordedRequest = { method: req.method ?? 'GET', path, body, authorization: req.headers.authorization, time: Date.now() };
      requests.push(request);
      const handler = routes.get(`${request.method} ${path}`);
      if (!handler) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: `no route ${request.method} ${path}` }));
        return;
      }
      Promise.resolve(handler(request, res)).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    openaiBaseUrl: `${url}/v1`,
    requests,
    script: (...replies) => queue.push(...replies),
    route: (method, path, handler) => routes.set(`${method.toUpperCase()} ${path}`, handler),
    reset: () => {
      queue = [];
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The messages of a chat request (both providers use `messages: [{role, content}]`). */
export function chatMessages(request: RecordedRequest): { role: string; content: string }[] {
  return ((request.body.messages as { role: string; content: unknown }[]) ?? []).map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
  }));
}

/** The number the prompt gave to the passage containing `needle`, e.g. 3 for a line "[3] … needle …". */
export function passageNumber(request: RecordedRequest, needle: string): number | undefined {
  const text = chatMessages(request).map((m) => m.content).join('\n');
  const line = text.split('\n').find((l) => /^\[\d+\] /.test(l) && l.includes(needle));
  return line ? Number(/^\[(\d+)\]/.exec(line)![1]) : undefined;
}

/** How many numbered passages the prompt carried. */
export function passageCount(request: RecordedRequest): number {
  return chatMessages(request).map((m) => m.content).join('\n').split('\n').filter((l) => /^\[\d+\] /.test(l)).length;
}
