/**
 * The PostgreSQL back end's driver: a `pg` connection pool (size from the configuration).
 * Statements are written with `?` placeholders, as for SQLite, and numbered here. 64-bit
 * integers (COUNT, SUM) come back as numbers, not strings, so both back ends return the same rows.
 */
import { createHash } from 'node:crypto';
import pg from 'pg';
import type { SqlDriver, SqlExecutor } from './driver';

const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** `?` → `$1, $2, ...` (outside quoted strings and identifiers). */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  let quote: string | null = null;
  let out = '';
  for (const c of sql) {
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '?') {
      out += `$${++n}`;
      continue;
    }
    out += c;
  }
  return out;
}

/** A 64-bit advisory lock key for a lock name (stable across processes and versions). */
export function advisoryKey(name: string): string {
  return createHash('sha256').update(`resyn:${name}`).digest().readBigInt64BE(0).toString();
}

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://(unparseable URL)';
  }
}

function executor(q: pg.Pool | pg.PoolClient): SqlExecutor {
  return {
    async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
      return (await q.query(numberPlaceholders(sql), params)).rows as T[];
    },
    async run(sql: string, params: unknown[] = []): Promise<void> {
      await q.query(numberPlaceholders(sql), params);
    },
    async script(sql: string): Promise<void> {
      await q.query(sql);
    },
  };
}

export class PostgresDriver implements SqlDriver {
  readonly backend = 'postgres' as const;
  readonly location: string;
  private readonly pool: pg.Pool;
  private readonly direct: SqlExecutor;

  constructor(url: string, poolSize: number) {
    this.location = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: poolSize, types });
    // An idle client losing its server (restart, failover) must not crash the worker; the pool replaces it.
    this.pool.on('error', () => undefined);
    this.direct = executor(this.pool);
  }

  all<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.direct.all<T>(sql, params);
  }
  run(sql: string, params?: unknown[]): Promise<void> {
    return this.direct.run(sql, params);
  }
  script(sql: string): Promise<void> {
    return this.direct.script(sql);
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, opts: { lock?: string } = {}): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      if (opts.lock) await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey(opts.lock)]);
      const out = await fn(executor(client));
      await client.query('COMMIT');
      return out;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
