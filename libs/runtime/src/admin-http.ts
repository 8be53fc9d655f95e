import http from 'node:http';
import type { Registry } from 'prom-client';
import type { HealthMonitor } from './health';

// The admin port of a gRPC service: Prometheus scrape, liveness and readiness. Kept apart from
// the gRPC port so probes and scrapes never compete with traffic or need credentials.

export function createAdminServer(registry: Registry, health: HealthMonitor): http.Server {
  return http.createServer((req, res) => {
    void route(req.url ?? '/', registry, health).then(({ status, type, body }) => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    });
  });
}

async function route(url: string, registry: Registry, health: HealthMonitor) {
  const path = url.split('?')[0];
  if (path === '/metrics') return { status: 200, type: registry.contentType, body: await registry.metrics() };
  if (path === '/healthz') return { status: 200, type: 'application/json', body: '{"status":"ok"}' };
  if (path === '/readyz') {
    const report = health.current();
    return { status: report.ready ? 200 : 503, type: 'application/json', body: JSON.stringify(report) };
  }
  return { status: 404, type: 'application/json', body: '{"error":"not found"}' };
}

export function listen(server: http.Server, port: number, host = '0.0.0.0'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
