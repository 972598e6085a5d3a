/**
 * `resyn env audit [--quarantine]`: re-runs the CURRENT automatic checks over every accepted
 * environment in the registry (gates get stricter; environments accepted under older checks may
 * now fail). With --quarantine, each failing one gets status `quarantined`: kept with its source
 * and history, never deleted, but no longer sampled into datasets or scored by the reward
 * service (both take only status `accepted`). Exit 0 when all pass, 1 when any fails.
 */
import type { Command } from 'commander';
import { openRegistry } from '../../registry/open';
import type { EnvStatus } from '../../registry/registry';
import { checkEnvironment, sharedPool } from '../../sandbox';
import { action, CliError, cliConfig, printJson } from '../output';

export interface AuditRow {
  id: string;
  name: string;
  status: EnvStatus;
  ok: boolean;
  failed: { name: string; detail: string }[];
  durationMs: number;
}

export function registerEnvAudit(env: Command): void {
  env
    .command('audit')
    .description('re-run the current automatic checks on every accepted environment; --quarantine marks the failures (kept, never sampled)')
    .option('--quarantine', 'set status "quarantined" on every environment that fails')
    .option('--status <status>', 'which environments to audit: accepted (default), quarantined or rejected', 'accepted')
    .option('--json', 'print {audited, failed, quarantined, environments: [...]}')
    .action(
      action(async (o: { quarantine?: boolean; status: string; json?: boolean }) => {
        if (!['accepted', 'quarantined', 'rejected'].includes(o.status))
          throw new CliError(`--status ${JSON.stringify(o.status)}: expected accepted, quarantined or rejected`, 2);
        const cfg = cliConfig();
        const reg = await openRegistry(cfg);
        const pool = sharedPool(cfg.sandbox);
        const rows: AuditRow[] = [];
        let quarantined = 0;
        try {
          for (const e of await reg.listEnvironments({ status: o.status as EnvStatus })) {
            const report = await checkEnvironment(e.source, { pool, config: cfg.checks });
            const failed = report.checks.filter((c) => !c.ok).map((c) => ({ name: c.name, detail: c.detail }));
            let status = e.status;
            if (!report.ok && o.quarantine && e.status === 'accepted' && (await reg.setEnvironmentStatus(e.id, 'quarantined'))) {
              status = 'quarantined';
              quarantined++;
            }
            rows.push({ id: e.id, name: e.name, status, ok: report.ok, failed, durationMs: report.durationMs });
            if (!o.json)
              process.stdout.write(
                `${e.id.slice(0, 12)}  ${report.ok ? 'ok  ' : 'FAIL'}  ${e.name}${failed.length ? `  (${failed.map((f) => f.name).join(', ')})` : ''}${status !== e.status ? `  -> ${status}` : ''}\n`,
              );
          }
        } finally {
          await reg.close();
          await pool.close();
        }
        const bad = rows.filter((r) => !r.ok).length;
        if (o.json) printJson({ audited: rows.length, failed: bad, quarantined, environments: rows });
        else
          process.stdout.write(
            `${rows.length} audited, ${bad} failing${o.quarantine ? `, ${quarantined} quarantined` : bad ? ' (run with --quarantine to stop sampling and scoring them)' : ''}\n`,
          );
        if (bad) process.exitCode = 1;
      }),
    );
}
