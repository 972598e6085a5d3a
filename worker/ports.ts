/**
 * The ports a resyn process binds, each with the variable that moves it, checked before anything
 * says "ready": a port taken by another program is named with its owner and the variable to set.
 */
import { commandLine, listeningPid, portIsFree } from '../lib/processes';
import type { ResynConfig } from '../temporal.config';

export interface NeededPort {
  port: number;
  host: string;
  what: string;
  /** The environment variable that moves this port. */
  variable: string;
}

/** The ports of the embedded stack: the dev server's gRPC and UI ports (unless TEMPORAL_ADDRESS) and the two metrics ports. */
export function stackPorts(cfg: ResynConfig, opts: { devServer: boolean }): NeededPort[] {
  const ports: NeededPort[] = [];
  if (opts.devServer) {
    const host = cfg.temporal.devServerIp;
    ports.push({ port: cfg.temporal.devServerPort, host, what: 'Temporal dev server (gRPC)', variable: 'RESYN_DEV_SERVER_PORT' });
    ports.push({ port: cfg.temporal.devServerUiPort, host, what: 'Temporal Web UI', variable: 'RESYN_DEV_SERVER_UI_PORT' });
  }
  if (cfg.metricsPort) ports.push({ port: cfg.metricsPort, host: '127.0.0.1', what: 'Prometheus metrics', variable: 'RESYN_METRICS_PORT' });
  if (cfg.ownMetricsPort)
    ports.push({ port: cfg.ownMetricsPort, host: '127.0.0.1', what: "resyn's own Prometheus metrics", variable: 'RESYN_OWN_METRICS_PORT' });
  return ports;
}

export class PortInUseError extends Error {
  override name = 'PortInUseError';
}

/** Who holds a port, for messages: "pid 123 (temporal server start-dev ...)" or "another program". */
export function portOwner(port: number): string {
  const pid = listeningPid(port);
  if (!pid) return 'another program';
  const cmd = commandLine(pid);
  return `pid ${pid}${cmd ? ` (${cmd.length > 160 ? `${cmd.slice(0, 157)}...` : cmd})` : ''}`;
}

/** Throws one error listing every needed port that is taken, its owner and the variable that moves it. */
export async function assertPortsFree(ports: NeededPort[]): Promise<void> {
  const taken: string[] = [];
  for (const p of ports) {
    if (!(await portIsFree(p.port, p.host))) {
      taken.push(`port ${p.port} for the ${p.what} is in use by ${portOwner(p.port)}; set ${p.variable} to a free port`);
    }
  }
  if (taken.length) throw new PortInUseError(taken.join('\n'));
}
