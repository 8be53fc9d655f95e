import { auditEventsV1 } from '@liaison/contracts';
import { clientToken, collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { Client } from 'pg';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// What the gateway owes browsers and partners (GW-07): CORS only for the configured origins,
// security headers on every answer, rate limits per user and per client that hold across two
// gateway replicas (IETF RateLimit fields, 429 with Retry-After), and an audit record of every
// write, stored before the answer leaves, published on liaison.audit.v1 and readable by admins.

const CONSOLE = 'https://crm.example.cn';
const RUN = Date.now().toString(36);
let platform: Platform;
let audit: RecordCollector;
const viaFirst = apiCaller(() => platform.baseUrls[0]);
const viaSecond = apiCaller(() => platform.baseUrls[1]);

beforeAll(async () => {
  audit = await collectRecords(['liaison.audit.v1']);
  platform = await startPlatform(
    'browsers_partners_e2e',
    {
      CORS_ALLOWED_ORIGINS: `${CONSOLE},http://localhost:5173`,
      RATE_LIMIT_PER_USER: '30',
      RATE_LIMIT_PER_CLIENT: '1000',
      RATE_LIMIT_CLIENTS: 'erp-connector=5',
      RATE_LIMIT_WINDOW_SEC: '3600',
    },
    { gatewayReplicas: 2 },
  );
  // The counters outlive a run in the test's database; this run counts from zero.
  await gatewayQuery('TRUNCATE rate_limit_counters');
});

afterAll(async () => {
  await audit?.stop();
  await platform?.stop();
});

async function gatewayQuery(sql: string, values: unknown[] = []) {
  const db = new Client({ connectionString: platform.gatewayDatabaseUrl });
  await db.connect();
  try {
    return (await db.query(sql, values)).rows;
  } finally {
    await db.end();
  }
}

describe('browsers', () => {
  it('answers CORS for a configured origin, preflight included, and exposes the headers clients read', async () => {
    const preflight = await fetch(`${platform.baseUrl}/customers`, {
      method: 'OPTIONS',
      headers: {
        'Origin': CONSOLE,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,idempotency-key',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('idempotency-key');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const listed = await viaFirst('GET', '/customers', { user: 'admin', headers: { Origin: CONSOLE } });
    expect(listed.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(listed.headers.get('access-control-expose-headers')).toContain('RateLimit');
    expect(listed.headers.get('vary')).toContain('Origin');
  });

  it('gives any other origin no CORS headers', async () => {
    const foreign = await fetch(`${platform.baseUrl}/customers`, {
      method: 'OPTIONS',
      headers: { 'Origin': 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const read = await viaFirst('GET', '/customers', { user: 'admin', headers: { Origin: 'https://evil.example' } });
    expect(read.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('puts security headers on every answer and keeps personal data out of caches', async () => {
    for (const reply of [
      await viaFirst('GET', '/customers', 'admin'),
      await viaFirst('GET', '/customers'),
      await viaFirst('GET', '/nowhere', 'admin'),
    ]) {
      expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
      expect(reply.headers.get('x-frame-options')).toBe('DENY');
      expect(reply.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(reply.headers.get('referrer-policy')).toBe('no-referrer');
      expect(reply.headers.get('cache-control')).toBe('no-store');
    }
  });
});

describe('rate limits', () => {
  it('hold per user across both replicas, told in RateLimit fields; the 429 says when to retry', async () => {
    const answers: { status: number; headers: Headers }[] = [];
    for (let i = 0; i < 34; i += 1) answers.push(await (i % 2 ? viaSecond : viaFirst)('GET', '/customers?pageSize=1', 'rep.east.2'));
    expect(answers.map((answer) => answer.status)).toEqual([...Array(30).fill(200), 429, 429, 429, 429]);
    expect(answers[0].headers.get('ratelimit-policy')).toBe('"user";q=30;w=3600, "client";q=1000;w=3600');
    expect(answers[0].headers.get('ratelimit')).toMatch(/^"user";r=29;t=\d+, "client";r=\d+;t=\d+$/);
    expect(answers[29].headers.get('ratelimit')).toMatch(/^"user";r=0;t=/);
    const refused = answers[30];
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expectProblem(await viaFirst('GET', '/customers', 'rep.east.2'), 429, 'rate_limited');
    // Another user of the same client is not affected.
    expect((await viaSecond('GET', '/customers?pageSize=1', 'rep.west.1')).status).toBe(200);
  });

  it('hold per client: a partner integration has its own quota', async () => {
    const token = await clientToken('erp-connector', 'erp-connector-secret');
    const statuses = [];
    for (let i = 0; i < 7; i += 1) statuses.push((await (i % 2 ? viaSecond : viaFirst)('GET', '/customers?pageSize=1', { token })).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
  });
});

describe('the audit trail', () => {
  it('records every write whatever its outcome, before the answer; publishes it; admins read it', async () => {
    const created = await viaFirst('POST', '/customers', 'rep.east.1', { name: `审计客户 ${RUN}`, kind: 'company' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Stored before the answer left: no waiting needed.
    const rows = await gatewayQuery('SELECT * FROM audit_records WHERE resource_id = $1', [id]);
    expect(rows).toEqual([
      expect.objectContaining({
        actor_name: 'rep.east.1',
        client_id: 'liaison-web',
        method: 'POST',
        route: '/customers',
        operation_id: 'createCustomer',
        resource_type: 'customers',
        status: 201,
        outcome: 'ok',
      }),
    ]);
    expect(rows[0].trace_id).toMatch(/^[0-9a-f]{32}$/);
    // Refused writes are on the trail too: a stale version, a missing permission.
    expect((await viaSecond('PATCH', `/customers/${id}`, 'rep.east.1', { name: `改名 ${RUN}`, version: 7 })).status).toBe(412);
    expect((await viaFirst('POST', `/customers/${id}/shares`, 'analyst', { unit: '/Partners/Acme' })).status).toBe(403);
    const trail = await viaFirst('GET', `/audit-records?resourceType=customers&resourceId=${id}`, 'admin');
    expect(trail.status).toBe(200);
    expect(
      trail.body.items.map((item: { operationId: string; status: number; outcome: string; actor: { name: string } }) => [
        item.operationId,
        item.status,
        item.outcome,
        item.actor.name,
      ]),
    ).toEqual([
      ['shareCustomer', 403, 'forbidden', 'analyst'],
      ['updateCustomer', 412, 'version_conflict', 'rep.east.1'],
      ['createCustomer', 201, 'ok', 'rep.east.1'],
    ]);
    expect(
      (await viaFirst('GET', `/audit-records?actorId=${subjectOf(await userToken('analyst'))}&pageSize=1`, 'admin')).body.items[0],
    ).toMatchObject({ operationId: 'shareCustomer' });
    const event = await waitFor('the AuditRecorded event', async () =>
      audit.records.find(
        (record) =>
          record.headers.ce_type === 'liaison.events.v1.AuditRecorded' &&
          auditEventsV1.AuditRecorded.decode(record.value!).resourceId === id,
      ),
    );
    expect(auditEventsV1.AuditRecorded.decode(event.value!)).toMatchObject({
      operationId: 'createCustomer',
      status: 201,
      actorName: 'rep.east.1',
    });
  });

  it('is for administrators only', async () => {
    expectProblem(await viaFirst('GET', '/audit-records', 'manager.east'), 403, 'forbidden');
    expectProblem(await viaFirst('GET', '/audit-records?pageToken=junk', 'admin'), 400, 'invalid_argument');
  });
});
