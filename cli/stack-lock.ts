/**
 * One embedded stack per data folder: `resyn up` / `resyn run` hold <dataDir>/stack.pid (JSON:
 * their pid and command line, and their dev server's pid and database). A second stack on the
 * same folder is refused; a lock left by a crashed stack (kill -9) is found, reported, and its
 * orphaned dev server — recognised by pid AND command line, never by name — is stopped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commandLine, isAlive, terminate } from '../lib/processes';
import { CliError } from './output';

export interface StackRecord {
  pid: number;
  command: string;
  startedAt: string;
  dataDir: string;
  server?: { pid: number; dbFile: string; address: string; uiUrl?: string };
}

export interface StackLock {
  file: string;
  /** Records the dev server this stack started (or restarted). */
  setServer(server: StackRecord['server']): void;
  release(): void;
}

export const stackLockFile = (dataDir: string) => path.join(dataDir, 'stack.pid');

function readRecord(file: string): StackRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as StackRecord;
  } catch {
    return undefined;
  }
}

function writeAtomically(file: string, rec: StackRecord): void {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(rec, null, 2));
  fs.renameSync(tmp, file);
}

/** A dev server whose command line is `temporal server start-dev ... --db-filename <dbFile>`. */
export function isDevServerOf(pid: number, dbFile: string): boolean {
  const cmd = commandLine(pid);
  return !!cmd && cmd.includes('server start-dev') && cmd.includes(`--db-filename ${dbFile}`);
}

/** Is the recorded owner still the same program (pid alive with the same command line)? */
function ownerAlive(rec: StackRecord): boolean {
  const cmd = commandLine(rec.pid);
  if (cmd === undefined) return false;
  return cmd === rec.command || !rec.command;
}

/** Stops the dev server a crashed stack left behind, saying what it found and what it does. */
export async function stopOrphanedServer(server: NonNullable<StackRecord['server']>, log: (m: string) => void): Promise<void> {
  if (!isAlive(server.pid) || commandLine(server.pid) === undefined) {
    log(`  its dev server (pid ${server.pid}) is gone too.`);
    return;
  }
  if (!isDevServerOf(server.pid, server.dbFile)) {
    log(`  pid ${server.pid} is now another program (${commandLine(server.pid)}); left alone.`);
    return;
  }
  log(`  its Temporal dev server is still running (pid ${server.pid}, ${server.address}, database ${server.dbFile}): stopping it.`);
  const stopped = await terminate(server.pid);
  if (!stopped) throw new CliError(`could not stop the orphaned Temporal dev server (pid ${server.pid}); kill it and try again`, 1);
  log(`  stopped pid ${server.pid}.`);
}

export async function acquireStackLock(dataDir: string, log: (m: string) => void): Promise<StackLock> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = stackLockFile(dataDir);
  const mine: StackRecord = {
    pid: process.pid,
    command: commandLine(process.pid) ?? '',
    startedAt: new Date().toISOString(),
    dataDir,
  };
  for (let attempt = 0; ; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(mine, null, 2), { flag: 'wx' });
      break;
    } catch (err: any) {
      if (err.code !== 'EEXIST') throw err;
    }
    const rec = readRecord(file);
    if (!rec && attempt < 5) {
      await new Promise((r) => setTimeout(r, 100)); // being written by its owner right now
      continue;
    }
    if (rec && ownerAlive(rec)) {
      const where = rec.server ? ` with its Temporal server at ${rec.server.address}` : '';
      throw new CliError(
        `the data folder ${dataDir} is in use by another resyn stack (pid ${rec.pid}, started ${rec.startedAt}${where}). ` +
          'Stop it (Ctrl-C in its terminal), or set RESYN_DATA_DIR to another folder' +
          (rec.server ? `, or use that stack from here with TEMPORAL_ADDRESS=${rec.server.address}.` : '.'),
        1,
      );
    }
    log(
      rec
        ? `found a stale stack lock ${file}: resyn (pid ${rec.pid}, started ${rec.startedAt}) is no longer running (it crashed or was killed).`
        : `found an unreadable stack lock ${file}; treating it as stale.`,
    );
    if (rec?.server) await stopOrphanedServer(rec.server, log);
    fs.rmSync(file, { force: true });
    log('  removed the stale lock; starting afresh on the same data.');
  }
  return {
    file,
    setServer(server) {
      mine.server = server;
      writeAtomically(file, mine);
    },
    release() {
      if (readRecord(file)?.pid === process.pid) fs.rmSync(file, { force: true });
    },
  };
}
