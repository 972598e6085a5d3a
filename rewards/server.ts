/**
 * The HTTP reward service for RL trainers (node:http, JSON):
 *   POST /v1/rewards        {"items": [{"ground_truth", "response"}]} -> {"rewards": [{"reward", "reason"}]}
 *   POST /openrlhf/reward   OpenRLHF's remote RM call {"query", "prompts", "labels"} -> {"rewards", "scores"}
 *   GET  /healthz           {"ok": true}
 * A malformed item gets reward 0 and its reason; a malformed request a 4xx with a message.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { scoreResponses, type ScoreItem, type ScorerDeps } from './scorer';

export const MAX_BODY_BYTES = 256 * 1024 * 1024;
export const MAX_ITEMS = 100_000;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(413, `request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: http.IncomingMessage): Promise<any> {
  const ct = String(req.headers['content-type'] ?? 'application/json');
  if (!/json/i.test(ct)) throw new HttpError(415, `expected Content-Type application/json, got ${ct}`);
  const body = await readBody(req);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`);
  }
}

function send(res: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function itemsOf(body: any): ScoreItem[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'expected a JSON object {"items": [...]}');
  if (!Array.isArray(body.items)) throw new HttpError(400, '"items" must be an array of {"ground_truth", "response"}');
  if (body.items.length > MAX_ITEMS) throw new HttpError(413, `at most ${MAX_ITEMS} items per request, got ${body.items.length}`);
  return body.items;
}

/** OpenRLHF sends query = prompt + response (chat template applied); the response is what follows the prompt. */
function openRlhfItems(body: any): ScoreItem[] {
  if (!body || typeof body !== 'object' || !Array.isArray(body.query))
    throw new HttpError(400, 'expected {"query": [...], "prompts": [...], "labels": [...]}');
  const { query, prompts, labels } = body as { query: unknown[]; prompts?: unknown[]; labels?: unknown[] };
  if (!Array.isArray(labels) || labels.length !== query.length)
    throw new HttpError(
      400,
      '"labels" must be an array as long as "query" (the rows\' reward_model.ground_truth; run OpenRLHF with --label_key)',
    );
  if (prompts !== undefined && (!Array.isArray(prompts) || prompts.length !== query.length))
    throw new HttpError(400, '"prompts" must be an array as long as "query"');
  if (query.length > MAX_ITEMS) throw new HttpError(413, `at most ${MAX_ITEMS} items per request`);
  return query.map((q, i) => {
    const p = prompts?.[i];
    const response = typeof q === 'string' && typeof p === 'string' && q.startsWith(p) ? q.slice(p.length) : q;
    return { ground_truth: labels[i], response };
  });
}

export function createRewardHandler(deps: ScorerDeps): http.RequestListener {
  return (req, res) => {
    void (async () => {
      try {
        const url = (req.url ?? '/').split('?')[0];
        if (url === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) return send(res, 200, { ok: true });
        if (url === '/v1/rewards' || url === '/openrlhf/reward') {
          if (req.method !== 'POST') throw new HttpError(405, `${url} takes POST`);
          const body = await readJson(req);
          if (url === '/v1/rewards') return send(res, 200, { rewards: await scoreResponses(itemsOf(body), deps) });
          const rewards = await scoreResponses(openRlhfItems(body), deps);
          const r = rewards.map((x) => x.reward);
          return send(res, 200, { rewards: r, scores: r, reasons: rewards.map((x) => x.reason) });
        }
        throw new HttpError(404, `no route ${req.method} ${url}; try POST /v1/rewards, POST /openrlhf/reward, GET /healthz`);
      } catch (err) {
        if (err instanceof HttpError) return send(res, err.status, { error: err.message });
        send(res, 500, { error: `internal error: ${(err as Error).message}` });
      }
    })();
  };
}

export interface RewardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startRewardServer(deps: ScorerDeps, opts: { port: number; host: string }): Promise<RewardServer> {
  const server = http.createServer(createRewardHandler(deps));
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
