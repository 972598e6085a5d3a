/**
 * The SQLite back end's driver: one better-sqlite3 connection per process and file (WAL, so
 * several processes share the file). better-sqlite3 is synchronous; a transaction spans awaits
 * (fn is async), so statements from elsewhere in the process wait until it ends instead of
 * landing inside it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import type { SqlDriver, SqlExecutor } from './driver';

const BUSY_TIMEOUT_MS = 30_000;

export class SqliteDriver implements SqlDriver {
  readonly backend = 'sqlite' as const;
  private readonly db: Database.Database;
  /** Tail of the queue of transactions (and of statements that arrived while one was open). */
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  private readonly direct: SqlExecutor;

  constructor(readonly location: string) {
    fs.mkdirSync(path.dirname(path.resolve(location)), { recursive: true });
    this.db = new Database(location, { timeout: BUSY_TIMEOUT_MS });
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    const db = this.db;
    const norm = (params: unknown[]) => params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
    this.direct = {
      async all<T>(sql: string, params: unknown[] = []): Promise<T[]> {
        const st = db.prepare(sql);
        if (st.reader) return st.all(...norm(params)) as T[];
        st.run(...norm(params));
        return [];
      },
      async run(sql: string, params: unknown[] = []): Promise<void> {
        db.prepare(sql).run(...norm(params));
      },
      async script(sql: string): Promise<void> {
        db.exec(sql);
      },
    };
  }

  /** Runs fn after every transaction queued before it. */
  private queued<T>(fn: () => Promise<T>): Promise<T> {
    this.pending++;
    const run = this.tail.then(fn, fn).finally(() => this.pending--);
    this.tail = run.catch(() => undefined);
    return run;
  }

  all<T>(sql: string, params?: unknown[]): Promise<T[]> {
    return this.pending ? this.queued(() => this.direct.all<T>(sql, params)) : this.direct.all<T>(sql, params);
  }
  run(sql: string, params?: unknown[]): Promise<void> {
    return this.pending ? this.queued(() => this.direct.run(sql, params)) : this.direct.run(sql, params);
  }
  script(sql: string): Promise<void> {
    return this.pending ? this.queued(() => this.direct.script(sql)) : this.direct.script(sql);
  }

  /**
   * BEGIN IMMEDIATE takes SQLite's write lock at once: write transactions of all processes run
   * one at a time. While another connection holds it, wait without blocking the event loop
   * (SQLite's own busy wait would freeze the worker, and deadlock a second connection in the
   * same process whose holder needs the event loop to finish).
   */
  private async begin(): Promise<void> {
    const deadline = Date.now() + BUSY_TIMEOUT_MS;
    for (let delay = 2; ; delay = Math.min(delay * 2, 50)) {
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (err) {
        if ((err as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      } finally {
        this.db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.queued(async () => {
      await this.begin();
      try {
        const out = await fn(this.direct);
        this.db.exec('COMMIT');
        return out;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.tail;
    if (this.db.open) this.db.close();
  }
}
