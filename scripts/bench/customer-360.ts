// Customer 360 benchmark (CUS-11): p50/p95/p99 of GET /customers/{id}/360 (and of the first
// timeline page) through the gateway, against the same reads issued directly in SQL in the same
// run. Results go to bench-results/customer-360-*.json; the target is a gateway p95 ≤ 50 ms.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { customerScopeOf, principalFromClaims, type DataScope } from '../../libs/auth/src';
import { CustomerRepository } from '../../services/customer/src/persistence/customer-repository';
import { SummaryRepository } from '../../services/customer/src/persistence/summary-repository';
import { ensureDatabase, freePort, repoRoot, stack, startProcess, waitUntilReady, type RunningProcess } from '../../libs/testkit/src';
import { prepare, progress, salesTeam } from './bench-support';

interface Options {
  customers: number;
  samples: number;
  concurrency: number;
  skipBuild: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { customers: 20_000, samples: 400, concurrency: 8, skipBuild: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--customers') options.customers = Number(argv[++i]);
    else if (argv[i] === '--samples') options.samples = Number(argv[++i]);
    else if (argv[i] === '--concurrency') options.concurrency = Number(argv[++i]);
    else if (argv[i] === '--skip-build') options.skipBuild = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!Number.isInteger(options.customers) || options.customers < 100) throw new Error('--customers must be an integer ≥ 100');
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1) throw new Error('--concurrency must be a positive integer');
  return options;
}

const DATABASE = 'customer_bench_360';
const TARGET_P95_MS = 50;
const BENCH_TAG = '三六零基准';

interface Owner {
  id: string;
  unit: string;
}

// Per customer: 3 contacts, 12 follow-ups, 8 orders and 4 payments as facts, a summary row and
// 40 timeline entries: a busy account, so the 360 read has real rows to gather.
const seedStatements = (count: number, owners: Owner[]) => [
  `WITH owners(idx, owner_id, owner_unit) AS (VALUES ${owners.map((o, i) => `(${i}, '${o.id}', '${o.unit}')`).join(', ')})
   INSERT INTO customers (id, name, kind, phone, industry, star_rating, owner_id, owner_unit, created_by, updated_by, category, province, city, credit_limit_minor, credit_currency)
   SELECT gen_random_uuid(), '${BENCH_TAG}' || (ARRAY['杭州','宁波','苏州','深圳','成都'])[1 + g % 5] || '精密机械有限公司' || g, 'company',
          '1' || (30 + g % 60) || lpad((g::bigint * 7919 % 100000000)::text, 8, '0'), '机械制造', g % 6,
          o.owner_id, o.owner_unit, o.owner_id, o.owner_id, (ARRAY['potential','intentional','key','deal'])[1 + g % 4], '浙江省', '杭州市',
          CASE WHEN g % 3 = 0 THEN NULL ELSE 50000000 END, CASE WHEN g % 3 = 0 THEN NULL ELSE 'CNY' END
   FROM generate_series(1, ${count}) AS g JOIN owners o ON o.idx = g % ${owners.length}`,
  `INSERT INTO contacts (id, customer_id, name, title, phones, email, is_primary, created_by, updated_by)
   SELECT gen_random_uuid(), c.id, (ARRAY['王','李','张'])[k] || '经理', (ARRAY['采购部经理','总工程师','财务总监'])[k],
          jsonb_build_array(jsonb_build_object('kind', 'mobile', 'number', '139' || lpad((c.seq * 3 + k)::text, 8, '0'))),
          'contact' || k || '@example.cn', k = 1, 'bench', 'bench'
   FROM customers c CROSS JOIN generate_series(1, 3) AS k WHERE c.name LIKE '${BENCH_TAG}%'`,
  `INSERT INTO follow_ups (id, customer_id, method, content, occurred_at, author_id)
   SELECT gen_random_uuid(), c.id, (ARRAY['visit','phone','wechat','email'])[1 + k % 4],
          '第' || k || '次跟进：与客户确认二期产线改造的预算、交期和付款方式，约定下周提交技术方案与报价。', now() - k * interval '9 days', c.owner_id
   FROM customers c CROSS JOIN generate_series(1, 12) AS k WHERE c.name LIKE '${BENCH_TAG}%'`,
  `INSERT INTO customer_facts (kind, ref_id, customer_id, amount_minor, currency, started_at)
   SELECT CASE WHEN k <= 8 THEN 'order' ELSE 'payment' END, 'bench-' || c.seq || '-' || k, c.id, (c.seq % 97 + k) * 1000000, 'CNY', now() - k * interval '30 days'
   FROM customers c CROSS JOIN generate_series(1, 12) AS k WHERE c.name LIKE '${BENCH_TAG}%'`,
  `INSERT INTO customer_summary (customer_id, order_count, order_amount_minor, order_count_this_year, order_amount_this_year_minor,
     largest_order_minor, largest_order_id, last_order_at, orders_last_12m, order_amount_last_12m_minor, received_minor, outstanding_minor,
     overdue_days, balance_as_of, follow_up_count, follow_ups_last_12m, last_follow_up_at, total_service_requests, last_activity_at,
     value_score, value_grade, recency_points, frequency_points, monetary_points, recency_days, credit_risk)
   SELECT c.id, 8, 80000000, 3, 30000000, 12000000, 'bench-' || c.seq || '-8', now() - interval '30 days', 8, 80000000, 40000000,
          c.seq % 60000000, (c.seq % 120)::int, now(), 12, 12, now() - interval '9 days', 2, now() - interval '9 days',
          73, 'B', 5, 3, 3, 30, CASE WHEN c.seq % 120 > 90 THEN 'high' WHEN c.seq % 120 > 30 THEN 'watch' ELSE 'none' END
   FROM customers c WHERE c.name LIKE '${BENCH_TAG}%'`,
  `INSERT INTO customer_timeline (customer_id, event_id, at, kind, section, title, source_service, ref_id, amount_minor, currency)
   SELECT c.id, 'bench-' || c.seq || '-' || k, now() - k * interval '5 days',
          (ARRAY['order_placed','payment_received','follow_up_recorded','service_request_opened'])[1 + k % 4],
          (ARRAY['trade','finance','follow_ups','service'])[1 + k % 4], '第' || k || '条时间线记录', 'liaison.sales', NULL, k * 100000, 'CNY'
   FROM customers c CROSS JOIN generate_series(1, 40) AS k WHERE c.name LIKE '${BENCH_TAG}%'`,
];

async function seed(databaseUrl: string, count: number, owners: Owner[]): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const {
      rows: [{ seeded }],
    } = await db.query<{ seeded: string }>(`SELECT count(*) AS seeded FROM customers WHERE name LIKE '${BENCH_TAG}%'`);
    if (Number(seeded) >= count) {
      progress(`database already holds ${seeded} seeded customers`);
      return;
    }
    if (Number(seeded) > 0)
      throw new Error(`${DATABASE} holds ${seeded} seeded customers, fewer than --customers ${count}: drop the database to reseed`);
    const exists = async (table: string) =>
      (await db.query<{ found: boolean }>('SELECT to_regclass($1) IS NOT NULL AS found', [table])).rows[0].found;
    // Contacts and follow-ups belong to other features; a database without them is seeded without them.
    const skipped = new Set<string>();
    for (const table of ['contacts', 'follow_ups']) if (!(await exists(table))) skipped.add(table);
    progress(`seeding ${count} customers with contacts, follow-ups, facts, summaries and timelines (once; kept for later runs)…`);
    const started = Date.now();
    await db.query('BEGIN');
    for (const statement of seedStatements(count, owners)) {
      if ([...skipped].some((table) => statement.includes(`INTO ${table} `))) continue;
      await db.query(statement);
    }
    await db.query('COMMIT');
    await db.query('ANALYZE');
    progress(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

interface Stats {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(samples: number[]): Stats {
  const sorted = [...samples].sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 100) / 100;
  return {
    n: sorted.length,
    p50: round(percentile(sorted, 50)),
    p95: round(percentile(sorted, 95)),
    p99: round(percentile(sorted, 99)),
    max: round(sorted[sorted.length - 1]),
  };
}

const WARMUP = 20;

/** Runs `once(i)` samples + warm-up times with `concurrency` callers; returns the measured latencies. */
async function measure(samples: number, concurrency: number, once: (i: number) => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < samples + WARMUP; i = next++) {
      const started = performance.now();
      await once(i);
      if (i >= WARMUP) times.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return times;
}

async function getJson(url: string, token: string, check: (body: Record<string, unknown>) => boolean): Promise<void> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== 200 || !check(body)) throw new Error(`${url}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
}

type Statement = { text: string; values: unknown[] };

/** The statements the service's repositories issue for one read, captured instead of run. */
async function capture(read: (db: never) => Promise<unknown>): Promise<Statement[]> {
  const captured: Statement[] = [];
  const db = {
    query: async (text: string, values: unknown[]) => {
      if (text.includes('to_regclass')) return { rows: [{ found: true }], rowCount: 1 };
      captured.push({ text, values });
      return { rows: [], rowCount: 0 };
    },
  };
  await read(db as never);
  return captured;
}

function scopeOf(token: string): DataScope {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  return customerScopeOf(principalFromClaims(claims, token));
}

interface Scenario {
  name: string;
  user: string;
  path: (id: string) => string;
  check: (body: Record<string, unknown>) => boolean;
  /** The same read as SQL: every statement the service runs for it… */
  statements: (id: string, scope: DataScope) => Promise<Statement[]>;
  /** …side by side on two connections (as the service does for the 360), or one after the other. */
  parallel: boolean;
}

const customers = new CustomerRepository();
const summaries = new SummaryRepository();

const SCENARIOS: Scenario[] = [
  {
    // The plain customer read over the same path, so the 360's own cost shows beside the platform's.
    name: 'reference: GET /customers/{id} as rep',
    user: 'rep.east.1',
    path: (id) => `/customers/${id}`,
    check: (body) => typeof body.id === 'string',
    parallel: false,
    statements: (id, scope) => capture((db) => customers.findInScope(db, id, scope)),
  },
  {
    name: '360 as rep (own customers)',
    user: 'rep.east.1',
    path: (id) => `/customers/${id}/360`,
    check: (body) => (body.trade as { orderCount?: number } | null)?.orderCount === 8,
    parallel: true,
    statements: async (id, scope) => [
      ...(await capture((db) => customers.findInScope(db, id, scope))),
      ...(await capture((db) => summaries.findViewExtras(db, id, scope, { contacts: true, followUps: true }))),
    ],
  },
  {
    name: '360 as manager (unit scope)',
    user: 'manager.east',
    path: (id) => `/customers/${id}/360`,
    check: (body) => Array.isArray(body.withheldSections),
    parallel: true,
    statements: async (id, scope) => [
      ...(await capture((db) => customers.findInScope(db, id, scope))),
      ...(await capture((db) => summaries.findViewExtras(db, id, scope, { contacts: true, followUps: true }))),
    ],
  },
  {
    name: 'timeline first page of 50 as rep',
    user: 'rep.east.1',
    path: (id) => `/customers/${id}/timeline?pageSize=50`,
    check: (body) => Array.isArray(body.items) && (body.items as unknown[]).length > 0,
    parallel: false,
    statements: async (id, scope) => [
      ...(await capture((db) => summaries.existsInScope(db, id, scope))),
      ...(await capture((db) => summaries.timelinePage(db, id, ['customer', 'follow_ups', 'trade', 'finance', 'service'], 50))),
    ],
  },
];

async function idsOwnedBy(databaseUrl: string, ownerIds: string[]): Promise<string[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const { rows } = await db.query<{ id: string }>(
      `SELECT id FROM customers WHERE name LIKE '${BENCH_TAG}%' AND owner_id = ANY($1) ORDER BY random() LIMIT 2000`,
      [ownerIds],
    );
    return rows.map((row) => row.id);
  } finally {
    await db.end();
  }
}

async function connect(databaseUrl: string): Promise<Client> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  return db;
}

/** Like the service's pool: a free connection per statement in flight, none shared between callers. */
async function timeSql(
  databaseUrl: string,
  ids: string[],
  scope: DataScope,
  scenario: Scenario,
  samples: number,
  concurrency: number,
): Promise<number[]> {
  const idle = await Promise.all(Array.from({ length: concurrency * 2 }, () => connect(databaseUrl)));
  const all = [...idle];
  const run = async (statement: Statement) => {
    const db = idle.pop()!;
    try {
      await db.query(statement.text, statement.values);
    } finally {
      idle.push(db);
    }
  };
  const statements = await Promise.all(ids.map((id) => scenario.statements(id, scope)));
  try {
    return await measure(samples, concurrency, async (i) => {
      const read = statements[i % statements.length];
      if (scenario.parallel) await Promise.all(read.map(run));
      else for (const statement of read) await run(statement);
    });
  } finally {
    await Promise.all(all.map((db) => db.end()));
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const loadAverageAtStart = os.loadavg();
  prepare({ skipBuild: options.skipBuild, projects: ['@liaison/customer', '@liaison/gateway'] });
  const databaseUrl = await ensureDatabase(DATABASE);
  const { users, tokens, owners, units } = await salesTeam();

  const processes: RunningProcess[] = [];
  try {
    const [grpcPort, adminPort, httpPort] = [await freePort(), await freePort(), await freePort()];
    const common = {
      LOG_LEVEL: 'warn',
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
    };
    // Reads only: the projection's consumer stays off (PROJECTIONS_ENABLED), the figures are seeded.
    const customer = startProcess('customer', path.join(repoRoot, 'services/customer/dist/main.js'), {
      ...common,
      SERVICE_NAME: 'customer',
      DATABASE_URL: databaseUrl,
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(adminPort),
      PROJECTIONS_ENABLED: 'false',
      POOL_RULE_INTERVAL_MS: '0',
    });
    processes.push(customer);
    await waitUntilReady(customer, `http://127.0.0.1:${adminPort}/readyz`); // migrations applied before seeding
    await seed(
      databaseUrl,
      options.customers,
      users.map((user) => ({ id: owners.get(user)!, unit: units[user] })),
    );
    const gateway = startProcess('gateway', path.join(repoRoot, 'gateway/dist/main.js'), {
      ...common,
      SERVICE_NAME: 'gateway',
      HTTP_PORT: String(httpPort),
      CUSTOMER_GRPC_ADDR: `127.0.0.1:${grpcPort}`,
      DATABASE_URL: await ensureDatabase('bench_gateway'),
      // The bench measures the API, not the limits a person would meet.
      RATE_LIMIT_PER_USER: '0',
      RATE_LIMIT_PER_CLIENT: '0',
    });
    processes.push(gateway);
    await waitUntilReady(gateway, `http://127.0.0.1:${httpPort}/readyz`);
    const baseUrl = `http://127.0.0.1:${httpPort}/api/v1`;

    const visibleTo: Record<string, string[]> = {
      'rep.east.1': [owners.get('rep.east.1')!],
      'manager.east': ['rep.east.1', 'rep.east.2', 'manager.east'].map((user) => owners.get(user)!),
    };
    const results = [];
    for (const scenario of SCENARIOS) {
      const ids = await idsOwnedBy(databaseUrl, visibleTo[scenario.user]);
      const token = tokens.get(scenario.user)!;
      const scope = scopeOf(token);
      for (const concurrency of [1, options.concurrency]) {
        progress(`${scenario.name}, ${concurrency} concurrent: ${options.samples} reads through the gateway, then the same SQL directly`);
        const gatewayStats = summarise(
          await measure(options.samples, concurrency, (i) =>
            getJson(`${baseUrl}${scenario.path(ids[i % ids.length])}`, token, scenario.check),
          ),
        );
        const sqlStats = summarise(await timeSql(databaseUrl, ids, scope, scenario, options.samples, concurrency));
        results.push({
          scenario: scenario.name,
          user: scenario.user,
          concurrency,
          gatewayMs: gatewayStats,
          sqlBaselineMs: sqlStats,
          p95Ratio: Math.round((gatewayStats.p95 / sqlStats.p95) * 100) / 100,
          meetsTarget: gatewayStats.p95 <= TARGET_P95_MS,
        });
      }
    }
    const report = {
      benchmark: 'customer-360',
      at: new Date().toISOString(),
      // Other work on the machine distorts the numbers; the load averages say how much there was.
      machine: {
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model,
        node: process.version,
        loadAverageAtStart,
        loadAverageAtEnd: os.loadavg(),
      },
      parameters: {
        customers: options.customers,
        samples: options.samples,
        concurrency: options.concurrency,
        target: `gateway p95 ≤ ${TARGET_P95_MS} ms`,
      },
      commit: execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim(),
      results,
    };
    const dir = path.join(repoRoot, 'bench-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `customer-360-${report.at.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2));
    fs.writeFileSync(path.join(dir, 'customer-360-latest.json'), JSON.stringify(report, null, 2));
    console.log(
      `\n${'scenario'.padEnd(40)} ${'conc'.padStart(4)} ${'gw p50'.padStart(8)} ${'gw p95'.padStart(8)} ${'gw p99'.padStart(8)} ${'sql p50'.padStart(8)} ${'sql p95'.padStart(8)} ${'ratio'.padStart(6)}  target`,
    );
    for (const r of results) {
      console.log(
        `${r.scenario.padEnd(40)} ${String(r.concurrency).padStart(4)} ${r.gatewayMs.p50.toFixed(1).padStart(8)} ${r.gatewayMs.p95.toFixed(1).padStart(8)} ${r.gatewayMs.p99.toFixed(1).padStart(8)} ${r.sqlBaselineMs.p50.toFixed(1).padStart(8)} ${r.sqlBaselineMs.p95.toFixed(1).padStart(8)} ${r.p95Ratio.toFixed(2).padStart(6)}  ${r.meetsTarget ? 'ok' : 'MISSED'}`,
      );
    }
    console.log(`\nwritten to ${path.relative(repoRoot, file)}`);
  } finally {
    await Promise.all(processes.map((proc) => proc.stop()));
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
