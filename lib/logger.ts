/**
 * Structured logs: one JSON object per line on stderr (stdout stays for command output), with
 * the bindings that tie a line to a run (workflowId, runId, activity). No dependency: a dozen
 * lines cover what resyn needs, and any log shipper reads JSON lines.
 *
 *   const log = createLogger({ component: 'ops' }).child({ workflowId, runId });
 *   log.info('resuming run', { from: oldRunId });
 *   // {"time":"...","level":"info","msg":"resuming run","component":"ops","workflowId":"...","runId":"...","from":"..."}
 *
 * RESYN_LOG_LEVEL (debug|info|warn|error, case-insensitive; default info) sets the threshold.
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export type LogFields = Record<string, unknown>;
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger whose lines also carry these fields. */
  child(bindings: LogFields): Logger;
}

export interface LoggerOptions {
  level?: LogLevel;
  /** Where lines go (default process.stderr); tests pass an array sink. */
  write?: (line: string) => void;
}

export function levelFromEnv(raw = process.env.RESYN_LOG_LEVEL): LogLevel {
  const l = (raw ?? '').toLowerCase();
  if (l === 'warning') return 'warn';
  return l in ORDER ? (l as LogLevel) : 'info';
}

/** Errors lose their fields under JSON.stringify: keep name, message and stack. */
function plain(v: unknown): unknown {
  if (v instanceof Error) return { name: v.name, message: v.message, ...(v.stack ? { stack: v.stack } : {}) };
  return v;
}

export function createLogger(bindings: LogFields = {}, opts: LoggerOptions = {}): Logger {
  const threshold = ORDER[opts.level ?? levelFromEnv()];
  const write =
    opts.write ??
    ((line: string) => {
      process.stderr.write(line + '\n');
    });
  const emit = (level: LogLevel, msg: string, fields?: LogFields): void => {
    if (ORDER[level] < threshold) return;
    const rec: LogFields = { time: new Date().toISOString(), level, msg, ...bindings };
    for (const [k, v] of Object.entries(fields ?? {})) rec[k] = plain(v);
    let line: string;
    try {
      line = JSON.stringify(rec);
    } catch {
      line = JSON.stringify({ time: rec.time, level, msg, ...bindings, note: 'fields not serialisable' });
    }
    write(line);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
    child: (more) => createLogger({ ...bindings, ...more }, { ...opts, level: opts.level ?? levelFromEnv() }),
  };
}

/** The process-wide logger; modules take `.child({component})` of it. */
export const logger: Logger = createLogger({ service: 'resyn' });
