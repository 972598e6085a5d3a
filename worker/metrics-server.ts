/**
 * Serves resyn's own metrics (lib/metrics.ts) for Prometheus at
 * http://127.0.0.1:<RESYN_OWN_METRICS_PORT>/metrics, beside the SDK's exporter on RESYN_METRICS_PORT
 * (which serves only the SDK's series). A taken port fails naming the variable that moves it.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resynMetrics } from '../lib/metrics';
import type { ResynConfig } from '../temporal.config';
import { PortInUseError, portOwner } from './ports';

export interface MetricsServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the endpoint, or returns null when RESYN_OWN_METRICS_PORT is 0. */
export async function serveOwnMetrics(cfg: Pick<ResynConfig, 'ownMetricsPort'>, host = '127.0.0.1'): Promise<MetricsServer | null> {
  if (!cfg.ownMetricsPort) return null;
  const { register } = resynMetrics();
  const server = http.createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0];
    if ((req.method === 'GET' || req.method === 'HEAD') && url === '/metrics') {
      register.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': register.contentType });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics failed: ${err.message}\n`);
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('resyn metrics: GET /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new PortInUseError(
              `port ${cfg.ownMetricsPort} for resyn's own Prometheus metrics is in use by ${portOwner(cfg.ownMetricsPort)}; set RESYN_OWN_METRICS_PORT to a free port (0 turns them off)`,
            )
          : err,
      ),
    );
    server.listen(cfg.ownMetricsPort, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
