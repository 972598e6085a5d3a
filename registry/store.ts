/**
 * The environment registry: an embedded SQLite file (WAL, safe from several processes). Every
 * write is idempotent, keyed by the environment's content hash, so activity retries never
 * duplicate rows. Knows nothing of Temporal; other modules may add their own tables to `db`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { codeFingerprint } from './fingerprint';

export type EnvStatus = 'accepted' | 'rejected';
export interface EnvironmentRecord {
  id: string;
  name: string;
  description: string;
  tags: string[];
  family: string | null;
  keyword: string | null;
  source: string;
  status: EnvStatus;
  origin: 'seed' | 'synthesized';
  rounds: number;
  runId: string | null;
  parentId: string | null;
  scores: Record<string, number>;
  createdAt: string;
}

export interface EnvironmentFilter {
  status?: EnvStatus;
  tags?: string[];
  ids?: string[];
  family?: string;
  origin?: 'seed' | 'synthesized';
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS environments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  description TEXT NOT NULL,
  tags TEXT NOT NULL,
  family TEXT,
  keyword TEXT,
  source TEXT NOT NULL,
  status TEXT NOT NULL,
  origin TEXT NOT NULL,
  rounds INTEGER NOT NULL,
  run_id TEXT,
  parent_id TEXT,
  scores TEXT NOT NULL,
  created_at TEXT NOT NULL,
  code_fp TEXT,
  behavior_fp TEXT
);
CREATE INDEX IF NOT EXISTS environments_name ON environments(name);
CREATE INDEX IF NOT EXISTS environments_keyword ON environments(keyword);
CREATE INDEX IF NOT EXISTS environments_code_fp ON environments(code_fp);
CREATE INDEX IF NOT EXISTS environments_behavior_fp ON environments(behavior_fp);
`;

interface Row {
  id: string;
  name: string;
  description: string;
  tags: string;
  family: string | null;
  keyword: string | null;
  source: string;
  status: string;
  origin: string;
  rounds: number;
  run_id: string | null;
  parent_id: string | null;
  scores: string;
  created_at: string;
}

function fromRow(r: Row): EnvironmentRecord {
  return {
    id: r.id,
    name: r.name,
    description: r.description,
    tags: JSON.parse(r.tags),
    family: r.family,
    keyword: r.keyword,
    source: r.source,
    status: r.status as EnvStatus,
    origin: r.origin as EnvironmentRecord['origin'],
    rounds: r.rounds,
    runId: r.run_id,
    parentId: r.parent_id,
    scores: JSON.parse(r.scores),
    createdAt: r.created_at,
  };
}

export class Registry {
  private constructor(
    readonly db: Database.Database,
    readonly file: string,
  ) {}

  static open(file: string): Registry {
    fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const db = new Database(file, { timeout: 30_000 });
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 30000');
    db.exec(SCHEMA);
    return new Registry(db, file);
  }

  /**
   * Inserts the record unless its id exists; an existing row is updated only where the new
   * record is "further along" (accepted beats rejected), so a replayed write changes nothing.
   * Returns the stored record.
   */
  upsertEnvironment(
    rec: Omit<EnvironmentRecord, 'createdAt'> & { createdAt?: string },
    extra: { behaviorFp?: string | null } = {},
  ): EnvironmentRecord {
    const tx = this.db.transaction(() => {
      const existing = this.db.prepare('SELECT * FROM environments WHERE id = ?').get(rec.id) as Row | undefined;
      if (!existing) {
        this.db
          .prepare(`INSERT INTO environments
          (id, name, description, tags, family, keyword, source, status, origin, rounds, run_id, parent_id, scores, created_at, code_fp, behavior_fp)
          VALUES (@id, @name, @description, @tags, @family, @keyword, @source, @status, @origin, @rounds, @runId, @parentId, @scores, @createdAt, @codeFp, @behaviorFp)`)
          .run({
            ...rec,
            tags: JSON.stringify(rec.tags ?? []),
            scores: JSON.stringify(rec.scores ?? {}),
            family: rec.family ?? null,
            keyword: rec.keyword ?? null,
            runId: rec.runId ?? null,
            parentId: rec.parentId ?? null,
            createdAt: rec.createdAt ?? new Date().toISOString(),
            codeFp: codeFingerprint(rec.source),
            behaviorFp: extra.behaviorFp ?? null,
          });
      } else {
        if (existing.status === 'rejected' && rec.status === 'accepted') {
          this.db
            .prepare(`UPDATE environments SET status = 'accepted', name = ?, description = ?, tags = ?, keyword = COALESCE(keyword, ?),
            rounds = ?, run_id = ?, parent_id = ?, scores = ? WHERE id = ?`)
            .run(
              rec.name,
              rec.description,
              JSON.stringify(rec.tags ?? []),
              rec.keyword ?? null,
              rec.rounds,
              rec.runId ?? null,
              rec.parentId ?? null,
              JSON.stringify(rec.scores ?? {}),
              rec.id,
            );
        }
        if (extra.behaviorFp)
          this.db.prepare('UPDATE environments SET behavior_fp = COALESCE(behavior_fp, ?) WHERE id = ?').run(extra.behaviorFp, rec.id);
      }
      return fromRow(this.db.prepare('SELECT * FROM environments WHERE id = ?').get(rec.id) as Row);
    });
    return tx.immediate();
  }

  /** By id, else by name (the accepted one first, then the newest). */
  getEnvironment(idOrName: string): EnvironmentRecord | undefined {
    const byId = this.db.prepare('SELECT * FROM environments WHERE id = ?').get(idOrName) as Row | undefined;
    if (byId) return fromRow(byId);
    const byName = this.db
      .prepare(`SELECT * FROM environments WHERE name = ?
      ORDER BY CASE status WHEN 'accepted' THEN 0 ELSE 1 END, created_at DESC LIMIT 1`)
      .get(idOrName) as Row | undefined;
    if (byName) return fromRow(byName);
    // A unique id prefix (as people copy short ids).
    if (/^[0-9a-f]{6,63}$/.test(idOrName)) {
      const rows = this.db.prepare('SELECT * FROM environments WHERE id LIKE ? LIMIT 2').all(`${idOrName}%`) as Row[];
      if (rows.length === 1) return fromRow(rows[0]!);
    }
    return undefined;
  }

  listEnvironments(filter: EnvironmentFilter = {}): EnvironmentRecord[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      args.push(filter.status);
    }
    if (filter.family) {
      where.push('family = ?');
      args.push(filter.family);
    }
    if (filter.origin) {
      where.push('origin = ?');
      args.push(filter.origin);
    }
    if (filter.ids) {
      if (filter.ids.length === 0) return [];
      where.push(`id IN (${filter.ids.map(() => '?').join(',')})`);
      args.push(...filter.ids);
    }
    const sql = `SELECT * FROM environments ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY name, id`;
    let recs = (this.db.prepare(sql).all(...args) as Row[]).map(fromRow);
    if (filter.tags?.length) recs = recs.filter((r) => filter.tags!.every((t) => r.tags.includes(t)));
    return recs;
  }

  /**
   * An accepted environment that is the same task as a candidate: same code modulo identifiers,
   * strings, comments and whitespace, or same rendered prompts with the name stripped.
   */
  findDuplicate(fp: { codeFp: string; behaviorFp?: string | null }, excludeId?: string): EnvironmentRecord | undefined {
    const row = this.db
      .prepare(`SELECT * FROM environments WHERE status = 'accepted' AND id != ?
      AND (code_fp = ? OR (? IS NOT NULL AND behavior_fp = ?)) ORDER BY created_at LIMIT 1`)
      .get(excludeId ?? '', fp.codeFp, fp.behaviorFp ?? null, fp.behaviorFp ?? null) as Row | undefined;
    return row ? fromRow(row) : undefined;
  }

  /** Runs fn in one write transaction (BEGIN IMMEDIATE: serialised across processes). */
  writeTransaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
