import http from 'node:http';
import path from 'node:path';
import { credentials, loadPackageDefinition, Metadata, type ClientDuplexStream } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { customerV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary } from '@liaison/runtime';
import {
  ensureDatabase,
  freePort,
  repoRoot,
  stack,
  startProcess,
  userToken,
  waitFor,
  waitUntilReady,
  type RunningProcess,
} from '@liaison/testkit';

// The built customer service as a real process: configuration errors at start, the admin
// endpoints, metrics, server reflection, trace export over OTLP and graceful shutdown.

const entry = path.join(repoRoot, 'services/customer/dist/main.js');

interface Started {
  proc: RunningProcess;
  grpcPort: number;
  adminPort: number;
}

async function startService(extraEnv: Record<string, string> = {}): Promise<Started> {
  const [grpcPort, adminPort] = [await freePort(), await freePort()];
  const proc = startProcess('customer', entry, {
    SERVICE_NAME: 'customer',
    LOG_LEVEL: 'info',
    GRPC_PORT: String(grpcPort),
    HTTP_PORT: String(adminPort),
    DATABASE_URL: await ensureDatabase('customer_process'),
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    OIDC_ISSUER: stack.issuer,
    OIDC_CLIENT_SECRET: 'liaison-internal-secret',
    ...extraEnv,
  });
  await waitUntilReady(proc, `http://127.0.0.1:${adminPort}/readyz`);
  return { proc, grpcPort, adminPort };
}

async function createCustomer(grpcPort: number, name: string): Promise<string> {
  const client = createGrpcClient(customerV1.CustomerServiceClient, `127.0.0.1:${grpcPort}`, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await userToken('rep.east.1')}`);
  try {
    const response = await unary(
      client.createCustomer.bind(client),
      customerV1.CreateCustomerRequest.fromPartial({ name, kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY }),
      metadata,
    );
    return response.customer!.id;
  } finally {
    client.close();
  }
}

describe('customer service process', () => {
  it('refuses to start with bad configuration and names every bad variable', async () => {
    const proc = startProcess('customer', entry, {
      SERVICE_NAME: 'customer',
      GRPC_PORT: 'fifty',
      DATABASE_URL: '',
      OIDC_ISSUER: 'localhost',
      KAFKA_BROKERS: '',
    });
    const code = await waitFor('exit', async () => (proc.child.exitCode !== null ? { code: proc.child.exitCode } : undefined), 20_000);
    expect(code.code).toBe(78);
    const output = proc.output();
    for (const variable of ['GRPC_PORT', 'DATABASE_URL', 'OIDC_ISSUER', 'KAFKA_BROKERS', 'OIDC_CLIENT_SECRET'])
      expect(output).toContain(variable);
  });

  describe('running', () => {
    let service: Started;
    const spans: Buffer[] = [];
    let collector: http.Server;

    beforeAll(async () => {
      // A stand-in OTLP/HTTP collector: records what the exporter posts.
      collector = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (chunk: Buffer) => chunks.push(chunk));
        req.on('end', () => {
          if (req.url === '/v1/traces') spans.push(Buffer.concat(chunks));
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        });
      });
      const collectorPort = await freePort();
      await new Promise<void>((resolve) => collector.listen(collectorPort, '127.0.0.1', resolve));
      service = await startService({ OTEL_EXPORTER: 'otlp', OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${collectorPort}` });
    });

    afterAll(async () => {
      await service?.proc.stop();
      collector?.close();
    });

    it('serves liveness, readiness with each dependency, and RED metrics for gRPC, database and Kafka', async () => {
      await createCustomer(service.grpcPort, '指标测试客户');
      expect((await fetch(`http://127.0.0.1:${service.adminPort}/healthz`)).status).toBe(200);
      const ready = await (await fetch(`http://127.0.0.1:${service.adminPort}/readyz`)).json();
      expect(ready).toMatchObject({ ready: true, checks: { postgres: { ok: true }, kafka: { ok: true } } });
      const metrics = await waitFor('published event metric', async () => {
        const text = await (await fetch(`http://127.0.0.1:${service.adminPort}/metrics`)).text();
        return /events_published_total\{[^}]*type="liaison.events.v1.CustomerCreated"/.test(text) ? text : undefined;
      });
      expect(metrics).toMatch(/grpc_server_handled_total\{service="liaison.customer.v1.CustomerService",method="CreateCustomer",code="OK"/);
      expect(metrics).toMatch(/grpc_server_handling_seconds_bucket\{/);
      expect(metrics).toMatch(/db_client_query_seconds_bucket\{[^}]*operation="INSERT"/);
      expect(metrics).toMatch(/outbox_relay_leader\{[^}]*\} 1/);
    });

    it('exports spans over OTLP when configured', async () => {
      await createCustomer(service.grpcPort, '链路导出测试');
      // Spans leave in batches, and an earlier batch may hold only start-up queries: wait for the one with the call.
      const batch = await waitFor(
        'an OTLP export with the CreateCustomer span',
        async () => {
          const all = Buffer.concat(spans);
          return all.includes(Buffer.from('CreateCustomer')) ? all : undefined;
        },
        20_000,
      );
      expect(batch.includes(Buffer.from('customer'))).toBe(true);
    });

    it('survives its database connections being cut and recovers', async () => {
      const admin = createPool(await ensureDatabase('customer_process'));
      try {
        const { rows } = await admin.query(
          `SELECT count(pg_terminate_backend(pid))::int AS cut FROM pg_stat_activity
           WHERE datname = 'customer_process' AND application_name = 'customer' AND pid <> pg_backend_pid()`,
        );
        expect(rows[0].cut).toBeGreaterThan(0);
      } finally {
        await admin.end();
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(service.proc.child.exitCode).toBeNull();
      const id = await waitFor(
        'a create after the cut',
        () => createCustomer(service.grpcPort, '断线恢复测试').catch(() => undefined),
        20_000,
        500,
      );
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      const metrics = await waitFor(
        'the relay to lead again',
        async () => {
          const text = await (await fetch(`http://127.0.0.1:${service.adminPort}/metrics`)).text();
          return /outbox_relay_leader\{[^}]*\} 1/.test(text) && /outbox_unpublished_events\{[^}]*\} 0/.test(text) ? text : undefined;
        },
        30_000,
        500,
      );
      expect(metrics).toBeTruthy();
    });

    it('lists its services over gRPC server reflection', async () => {
      const reflectionProto = path.join(
        path.dirname(require.resolve('@grpc/reflection/package.json')),
        'build/proto/grpc/reflection/v1/reflection.proto',
      );
      const definition = loadPackageDefinition(loadSync(reflectionProto)) as unknown as {
        grpc: {
          reflection: {
            v1: {
              ServerReflection: new (
                address: string,
                creds: ReturnType<typeof credentials.createInsecure>,
              ) => {
                serverReflectionInfo(): ClientDuplexStream<unknown, { listServicesResponse?: { service: { name: string }[] } }>;
                close(): void;
              };
            };
          };
        };
      };
      const client = new definition.grpc.reflection.v1.ServerReflection(`127.0.0.1:${service.grpcPort}`, credentials.createInsecure());
      const names = await new Promise<string[]>((resolve, reject) => {
        const call = client.serverReflectionInfo();
        call.on('data', (response) => {
          resolve(response.listServicesResponse?.service.map((entry: { name: string }) => entry.name) ?? []);
          call.end();
        });
        call.on('error', reject);
        call.write({ listServices: '' });
      });
      client.close();
      expect(names).toContain('liaison.customer.v1.CustomerService');
    });
  });

  it('shuts down gracefully on SIGTERM: not ready first, then servers, relay, connections, telemetry', async () => {
    const service = await startService();
    await createCustomer(service.grpcPort, '优雅停机测试');
    const code = await service.proc.stop('SIGTERM');
    expect(code).toBe(0);
    const steps = service.proc
      .output()
      .split('\n')
      .filter((line) => line.includes('"msg":"stopped"'))
      .map((line) => JSON.parse(line).step as string);
    expect(steps).toEqual([
      'admin http',
      'value-rescore job',
      'customer-alerts job',
      'pool-rule job',
      'grpc server',
      'imports',
      'projection customer-projections',
      'outbox relay',
      'kafka admin',
      'postgres',
      'telemetry',
    ]);
  });
});
