/**
 * The HTTP reward service for RL trainers (node:http, JSON):
 *   POST /v1/rewards        {"items": [{"ground_truth", "response"}]} -> {"rewards": [{"reward", "reason"}]}
 *   POST /openrlhf/reward   OpenRLHF's remote RM call {"query", "prompts", "labels"} -> {"rewards", "scores"}
 *   GET  /v1/stats          latency percentiles, histogram, queue (JSON)
 *   GET  /metrics           the same in Prometheus text
 *   GET  /healthz           {"ok": true}
 * A malformed item gets reward 0 and its reason (HTTP 200 for the batch); a malformed request a 4xx
 * with a message: 413 for a body or item count over the limits (checked from Content-Length before
 * reading, and on the bytes as they stream), 429 + Retry-After when the queue is full.
 * Clients are told apart by the X-Resyn-Client header, else their address (fair scheduling).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Overloaded } from './scheduler';
import type { Reward, ScoreItem, Scorer } from './scorer';
import { ServiceStats } from './stats';

export interface ServiceLimits {
  maxBodyBytes: number;
  maxItems: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** After a 413, the rest of the body is read and dropped (so the client sees the answer, not a reset), within these bounds. */
const DRAIN_MS = 30_000;

function tooLarge(limits: ServiceLimits, got: string): HttpError {
  return new HttpError(
    413,
    `request body ${got} is over the limit of ${limits.maxBodyBytes} bytes (RESYN_REWARDS_MAX_BODY_MB); send smaller batches`,
  );
}

function readBody(req: http.IncomingMessage, limits: ServiceLimits): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxBodyBytes) return Promise.reject(tooLarge(limits, `of ${declared} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limits.maxBodyBytes) {
        req.off('data', onData);
        chunks.length = 0;
        reject(tooLarge(limits, 'streamed'));
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

async function readJson(req: http.IncomingMessage, limits: ServiceLimits): Promise<any> {
  const ct = String(req.headers['content-type'] ?? 'application/json');
  if (!/json/i.test(ct)) throw new HttpError(415, `expected Content-Type application/json, got ${ct}`);
  const body = await readBody(req, limits);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw new HttpError(400, `request body is not valid JSON: ${(e as Error).message}`);
  }
}

function send(res: http.ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

function tooMany(limits: ServiceLimits, n: number): HttpError {
  return new HttpError(413, `at most ${limits.maxItems} items per request (RESYN_REWARDS_MAX_ITEMS), got ${n}; send smaller batches`);
}

function itemsOf(body: any, limits: ServiceLimits): ScoreItem[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'expected a JSON object {"items": [...]}');
  if (!Array.isArray(body.items)) throw new HttpError(400, '"items" must be an array of {"ground_truth", "response"}');
  if (body.items.length > limits.maxItems) throw tooMany(limits, body.items.length);
  return body.items;
}

/** OpenRLHF sends query = prompt + response (chat template applied); the response is what follows the prompt. */
function openRlhfItems(body: any, limits: ServiceLimits): ScoreItem[] {
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
  if (query.length > limits.maxItems) throw tooMany(limits, query.length);
  return query.map((q, i) => {
    const p = prompts?.[i];
    const response = typeof q === 'string' && typeof p === 'string' && q.startsWith(p) ? q.slice(p.length) : q;
    return { ground_truth: labels[i], response };
  });
}

function clientOf(req: http.IncomingMessage): string {
  const h = req.headers['x-resyn-client'];
  const named = typeof h === 'string' && h.length > 0 && h.length <= 200 ? h : undefined;
  return named ?? req.socket.remoteAddress ?? 'unknown';
}

/**
 * Reads and drops the rest of a refused body, so the client gets the answer rather than a reset
 * (closing with unread data in the socket sends RST); a drain that overstays DRAIN_MS is cut off.
 */
function drain(req: http.IncomingMessage): void {
  if (req.complete) return;
  const t = setTimeout(() => req.socket.destroy(), DRAIN_MS);
  t.unref();
  req.on('end', () => clearTimeout(t));
  req.on('close', () => clearTimeout(t));
  req.resume();
}

export function createRewardHandler(scorer: Scorer, limits: ServiceLimits, stats = new ServiceStats()): http.RequestListener {
  return (req, res) => {
    void (async () => {
      const t0 = performance.now();
      const url = (req.url ?? '/').split('?')[0]!;
      const scoring = url === '/v1/rewards' || url === '/openrlhf/reward';
      try {
        if (req.method === 'GET' || req.method === 'HEAD') {
          if (url === '/healthz') return send(res, 200, { ok: true });
          if (url === '/v1/stats') return send(res, 200, await stats.json(scorer.scheduler.stats()));
          if (url === '/metrics') {
            const text = await stats.prometheus(scorer.scheduler.stats());
            res.writeHead(200, { 'content-type': stats.metrics.register.contentType });
            return void res.end(text);
          }
        }
        if (scoring) {
          if (req.method !== 'POST') throw new HttpError(405, `${url} takes POST`);
          const body = await readJson(req, limits);
          const items = url === '/v1/rewards' ? itemsOf(body, limits) : openRlhfItems(body, limits);
          let rewards: Reward[];
          try {
            rewards = await scorer.score(items, clientOf(req));
          } catch (e) {
            if (e instanceof Overloaded) throw new HttpError(429, e.message, { 'retry-after': String(e.retryAfterS) });
            throw e;
          }
          stats.rewards(rewards);
          stats.request(200, performance.now() - t0);
          if (url === '/v1/rewards') return send(res, 200, { rewards });
          const r = rewards.map((x) => x.reward);
          return send(res, 200, { rewards: r, scores: r, reasons: rewards.map((x) => x.reason) });
        }
        throw new HttpError(
          404,
          `no route ${req.method} ${url}; try POST /v1/rewards, POST /openrlhf/reward, GET /v1/stats, GET /metrics, GET /healthz`,
        );
      } catch (err) {
        const e = err instanceof HttpError ? err : new HttpError(500, `internal error: ${(err as Error)?.message ?? String(err)}`);
        if (scoring) stats.request(e.status, performance.now() - t0);
        send(
          res,
          e.status,
          { error: e.message, ...(e.headers['retry-after'] ? { retry_after_s: Number(e.headers['retry-after']) } : {}) },
          e.headers,
        );
        drain(req);
      }
    })();
  };
}

export interface RewardServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startRewardServer(
  scorer: Scorer,
  opts: { port: number; host: string } & ServiceLimits,
): Promise<RewardServer & { stats: ServiceStats }> {
  const stats = new ServiceStats();
  const server = http.createServer(createRewardHandler(scorer, opts, stats));
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
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
