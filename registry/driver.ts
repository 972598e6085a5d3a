/**
 * The little SQL surface both back ends offer: statements with `?` placeholders (the PostgreSQL
 * driver numbers them), and write transactions that can be serialised under a named lock
 * across every process using the same registry.
 */
export interface SqlExecutor {
  all<T>(sql: string, params?: unknown[]): Promise<T[]>;
  run(sql: string, params?: unknown[]): Promise<void>;
  /** Several statements without parameters (migrations). */
  script(sql: string): Promise<void>;
}

export interface SqlDriver extends SqlExecutor {
  readonly backend: 'sqlite' | 'postgres';
  readonly location: string;
  /**
   * Runs fn in one write transaction: committed when fn resolves, rolled back when it throws.
   * With `lock`, transactions taking the same lock run one at a time across processes (SQLite:
   * every write transaction is serialised anyway by BEGIN IMMEDIATE; PostgreSQL: an advisory lock).
   */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>, opts?: { lock?: string }): Promise<T>;
  close(): Promise<void>;
}
