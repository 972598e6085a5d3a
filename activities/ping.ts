/** The wiring check: an activity with a visible, idempotent effect (a token appended to a file once). */
import * as fs from 'node:fs';
import { Context } from '@temporalio/activity';

export interface AppendOnceInput {
  file: string;
  token: string;
  /** Work time before the effect, heartbeating; lets tests kill a worker mid-activity. */
  delayMs?: number;
}

export const pingActivities = {
  async appendOnce({ file, token, delayMs = 0 }: AppendOnceInput): Promise<number> {
    const end = Date.now() + delayMs;
    while (Date.now() < end) {
      Context.current().heartbeat();
      await Context.current().sleep(Math.min(200, end - Date.now()));
    }
    const lines = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
    // Keyed by token: a retry after a crash that happened past this point does not append twice.
    if (!lines.includes(token)) fs.appendFileSync(file, token + '\n');
    return lines.includes(token) ? lines.length : lines.length + 1;
  },
};
