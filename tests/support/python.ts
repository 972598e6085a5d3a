/**
 * A Python venv for the trainer-facing tests (datasets, verl, TRL, OpenRLHF), kept in
 * ~/.cache/resyn/venv-ds so it is built once per machine. Trainers that need GPU wheels (torch)
 * are installed with --no-deps: their own loader / parser / signature code is read from the
 * installed package, never their training loop. When python3 or PyPI is missing, callers skip
 * with the reason.
 */
import { execFile, execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const VENV_DIR = path.join(os.homedir(), '.cache', 'resyn', 'venv-ds');
/** Pinned: the releases the examples are written for. */
export const PY_PACKAGES = ['datasets==5.2.0', 'pyarrow==26.0.1', 'omegaconf==2.4.0'];
export const TRAINER_PACKAGES = ['verl==0.9.1', 'trl==1.16.0', 'openrlhf==0.11.2'];

let cached: { python: string } | { skip: string } | undefined;

function run(cmd: string, args: string[]): void {
  execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 900_000 });
}

/** The venv's python with the packages above, or why it cannot be had here. */
export function pythonEnv(): { python: string } | { skip: string } {
  if (cached) return cached;
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
  } catch {
    return (cached = { skip: 'python3 is not installed' });
  }
  const python = path.join(VENV_DIR, 'bin', 'python');
  const stamp = path.join(VENV_DIR, `.resyn-${[...PY_PACKAGES, ...TRAINER_PACKAGES].join(',').replace(/[^\w.,=-]/g, '')}`);
  if (fs.existsSync(stamp)) return (cached = { python });
  try {
    if (!fs.existsSync(python)) run('python3', ['-m', 'venv', VENV_DIR]);
    run(python, ['-m', 'pip', 'install', '-q', ...PY_PACKAGES]);
    run(python, ['-m', 'pip', 'install', '-q', '--no-deps', ...TRAINER_PACKAGES]);
    fs.writeFileSync(stamp, '');
    return (cached = { python });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    return (cached = { skip: `cannot set up the Python venv ${VENV_DIR}: ${(err.stderr?.toString() || err.message).slice(-400)}` });
  }
}

/**
 * Runs a Python script file with args; resolves to stdout (rejects with stderr). Asynchronous: the
 * script may call a service this process serves.
 */
export function runPython(python: string, script: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [script, ...args],
      { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${path.basename(script)} failed: ${stderr || err.message}\n${stdout}`));
        else resolve(stdout);
      },
    );
  });
}
