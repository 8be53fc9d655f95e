import path from 'node:path';
import { Client } from 'pg';
import { EventTypes, salesLeadV1 } from '@liaison/contracts';
import { createGrpcClient, unary } from '@liaison/runtime';
import {
  collectRecords,
  ensureDatabase,
  freePort,
  stack,
  startProcess,
  waitFor,
  waitUntilReady,
  type RunningProcess,
} from '@liaison/testkit';
import { callerMetadata } from './support';

// The outbox proven the hard way: the built service as a real process takes a burst of lead
// creates and is killed with SIGKILL in the middle of it. Started again, it publishes what the
// dead process committed but had not sent. Every committed lead has its LeadCreated on Kafka
// (one event id: a redelivery of the same event is allowed, consumers dedupe by id), and no event
// exists for a lead that did not commit. Topics of the run's own (KAFKA_TOPIC_PREFIX).

const RUN = Date.now().toString(36);
const DATABASE = 'sales_pipeline_crash_it';
const BURST = 1_000;
const CONCURRENCY = 20;
const KILL_AFTER = 300;
const TOPIC = `crash-${RUN}-liaison.sales.v1`;

let databaseUrl: string;
let ports: { grpc: number; admin: number };

function startService(): RunningProcess {
  return startProcess('sales-pipeline', path.resolve(__dirname, '../dist/main.js'), {
    SERVICE_NAME: 'sales-pipeline-crash-it',
    LOG_LEVEL: 'warn',
    GRPC_PORT: String(ports.grpc),
    HTTP_PORT: String(ports.admin),
    DATABASE_URL: databaseUrl,
    KAFKA_BROKERS: stack.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: `crash-${RUN}-`,
    OIDC_ISSUER: stack.issuer,
    OIDC_CLIENT_SECRET: 'liaison-internal-secret',
  });
}

async function query<T>(sql: string, values: unknown[] = []): Promise<T[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, values)).rows as T[];
  } finally {
    await db.end();
  }
}

beforeAll(async () => {
  databaseUrl = await ensureDatabase(DATABASE);
  ports = { grpc: await freePort(), admin: await freePort() };
});

it('loses no committed event and publishes none of an uncommitted change when the service is killed mid-burst', async () => {
  let service = startService();
  await waitUntilReady(service, `http://127.0.0.1:${ports.admin}/readyz`);
  const client = createGrpcClient(salesLeadV1.LeadServiceClient, `127.0.0.1:${ports.grpc}`, {
    serviceName: 'liaison.sales.v1.LeadService',
    idempotentMethods: [],
    deadlineMs: 5_000,
  });
  const metadata = await callerMetadata('rep.east.1');
  // The first create makes the topic exist, so that the collector can subscribe from its start.
  await unary(client.createLead.bind(client), { lead: lead(-1), assignByRules: false, allowDuplicate: true }, metadata);
  const events = await collectRecords([TOPIC], true);

  const acknowledged: string[] = [];
  let next = 0;
  let killed = false;
  const worker = async () => {
    while (next < BURST) {
      const index = next++;
      try {
        const created = await unary(
          client.createLead.bind(client),
          { lead: lead(index), assignByRules: false, allowDuplicate: true },
          metadata,
        );
        acknowledged.push(created.lead!.id);
        if (acknowledged.length === KILL_AFTER && !killed) {
          killed = true;
          service.child.kill('SIGKILL');
        }
      } catch {
        // Calls in flight when the process died fail; whether they committed is the database's word.
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  client.close();
  expect(killed).toBe(true);

  service = startService();
  try {
    await waitUntilReady(service, `http://127.0.0.1:${ports.admin}/readyz`);
    const committed = (await query<{ id: string }>(`SELECT id FROM leads WHERE company_name LIKE $1`, [`崩溃测试 ${RUN} %`])).map(
      (row) => row.id,
    );
    // What the caller was told succeeded did commit; calls cut off may have committed too.
    expect(committed).toEqual(expect.arrayContaining(acknowledged));
    expect(committed.length).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(committed.length).toBeLessThanOrEqual(BURST + 1); // the burst and the first create

    const wanted = new Set(committed);
    const published = await waitFor(
      'a LeadCreated for every committed lead',
      async () => {
        const keys = new Set(events.records.map((record) => record.key));
        return [...wanted].every((id) => keys.has(id)) ? events.records : undefined;
      },
      60_000,
    );
    await events.stop();

    const byLead = new Map<string, Set<string>>();
    for (const record of published) {
      expect(record.headers.ce_type).toBe(EventTypes.LeadCreated.type);
      expect(wanted.has(record.key!)).toBe(true); // no event of a lead that did not commit
      byLead.set(record.key!, (byLead.get(record.key!) ?? new Set()).add(record.headers.ce_id));
    }
    expect([...byLead.values()].every((ids) => ids.size === 1)).toBe(true); // one event per lead, redelivered or not
    expect((await query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL'))[0].n).toBe('0');
  } finally {
    await service.stop();
  }
}, 180_000);

function lead(index: number): salesLeadV1.Lead {
  return salesLeadV1.Lead.fromPartial({ contactName: '压测联系人', companyName: `崩溃测试 ${RUN} ${index}`, phone: '13800000000' });
}
