import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { HashingEmbeddings } from '../../src/embed/hashingEmbeddings.js';

/**
 * A stand-in for the OpenAI and Ollama embedding endpoints on 127.0.0.1, so the real LangChain clients are
 * exercised over HTTP. Vectors come from a hashing embedder, so retrieval through them still makes sense.
 */
export interface FakeEmbeddingServer {
  url: string;
  requests: { path: string; body: Record<string, unknown>; authorization?: string }[];
  close(): Promise<void>;
}

export async function startFakeEmbeddingServer(dimensions = 256): Promise<FakeEmbeddingServer> {
  const embedder = new HashingEmbeddings({ dimensions });
  const requests: FakeEmbeddingServer['requests'] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const body = JSON.parse(raw || '{}') as Record<string, unknown>;
      requests.push({ path: req.url ?? '', body, authorization: req.headers.authorization });
      const inputs = ([] as unknown[]).concat(body.input ?? body.prompt ?? []).map(String);
      const vectors = inputs.map((t) => embedder.embedText(t));
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/embeddings')) {
        // OpenAI: the LangChain client asks for base64-encoded float32 little-endian.
        const asBase64 = body.encoding_format === 'base64';
        res.end(
          JSON.stringify({
            object: 'list',
            model: body.model,
            data: vectors.map((v, index) => ({
              object: 'embedding',
              index,
              embedding: asBase64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v,
            })),
            usage: { prompt_tokens: 1, total_tokens: 1 },
          }),
        );
      } else if (req.url === '/api/embed') {
        res.end(JSON.stringify({ model: body.model, embeddings: vectors }));
      } else {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: 'not found' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
