/**
 * A scripted OpenAI-compatible server on loopback (the only fake the tests use: no model is
 * reachable here). Serves POST /v1/chat/completions and GET /v1/models; each request is answered
 * by the test's script: content, an HTTP error (429 with Retry-After, 500...), latency, or a
 * malformed body. The real `openai` client talks to it over HTTP.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  model: string;
  messages: { role: string; content: string }[];
  body: any;
}
export type FakeReply =
  | string
  | { status: number; body?: string; headers?: Record<string, string> }
  | { delayMs: number; reply: FakeReply }
  | { malformed: 'truncated' | 'not-json' | 'no-choices' };
/** A completion the server delivered (written out in full), with the usage it reported: what a provider would bill. */
export interface FakeBilled {
  request: FakeRequest;
  promptTokens: number;
  completionTokens: number;
}
export interface FakeLlm {
  baseURL: string;
  calls: FakeRequest[];
  /** Completions delivered, in order; a reply whose client was gone (killed worker) is not among them. */
  billed: FakeBilled[];
  close(): Promise<void>;
}

let completionSeq = 0;

function completion(model: string, content: string, promptChars: number) {
  return {
    id: `chatcmpl-fake-${++completionSeq}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    // A rough tokens ~ chars/4, enough for budget tests to be meaningful.
    usage: {
      prompt_tokens: Math.ceil(promptChars / 4),
      completion_tokens: Math.ceil(content.length / 4),
      total_tokens: Math.ceil(promptChars / 4) + Math.ceil(content.length / 4),
    },
  };
}

export interface FakeLlmOptions {
  /** The ids GET /v1/models lists (default ['fake-model']); null: no /models route (404), as some servers have none. */
  models?: string[] | null;
}

export async function startFakeLlm(
  script: (req: FakeRequest, callIndex: number) => FakeReply | Promise<FakeReply>,
  opts: FakeLlmOptions = {},
): Promise<FakeLlm> {
  const models = opts.models === undefined ? ['fake-model'] : opts.models;
  const calls: FakeRequest[] = [];
  const billed: FakeBilled[] = [];
  const sockets = new Set<import('node:net').Socket>();

  const send = async (res: http.ServerResponse, req: FakeRequest, reply: FakeReply): Promise<void> => {
    // The client went away while the reply was being made (a killed worker): nothing is delivered.
    if (res.destroyed || !res.socket || res.socket.destroyed) return;
    if (typeof reply === 'string') {
      const promptChars = req.messages.reduce((a, m) => a + String(m.content ?? '').length, 0);
      const c = completion(req.model, reply, promptChars);
      const body = JSON.stringify(c);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      // 'finish': the whole body went out to the socket (not so when the client died meanwhile).
      res.once('finish', () =>
        billed.push({ request: req, promptTokens: c.usage.prompt_tokens, completionTokens: c.usage.completion_tokens }),
      );
      res.end(body);
    } else if ('delayMs' in reply) {
      await new Promise((r) => setTimeout(r, reply.delayMs));
      await send(res, req, reply.reply);
    } else if ('malformed' in reply) {
      if (reply.malformed === 'truncated') {
        const full = JSON.stringify(completion(req.model, 'this reply was cut off in the middle', 10));
        const body = full.slice(0, Math.floor(full.length / 2));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else if (reply.malformed === 'not-json') {
        const body = '<html><body>502 Bad Gateway (proxy)</body></html>';
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      } else {
        const body = JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion', created: 1, model: req.model });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
        res.end(body);
      }
    } else {
      const body = reply.body ?? JSON.stringify({ error: { message: `fake error ${reply.status}`, type: 'fake', code: null } });
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...reply.headers });
      res.end(body);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        try {
          if (req.method === 'GET' && req.url?.endsWith('/models') && models) {
            const body = JSON.stringify({
              object: 'list',
              data: models.map((id) => ({ id, object: 'model', created: 1, owned_by: 'resyn-tests' })),
            });
            res.writeHead(200, { 'content-type': 'application/json' });
            res.end(body);
            return;
          }
          if (req.method !== 'POST' || !req.url?.endsWith('/chat/completions')) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
            return;
          }
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
          const fr: FakeRequest = { model: body.model, messages: body.messages ?? [], body };
          const index = calls.length;
          calls.push(fr);
          await send(res, fr, await script(fr, index));
        } catch (err) {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ error: { message: `fake-llm script failed: ${(err as Error).message}` } }));
        }
      })();
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    calls,
    billed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
