// Customer search benchmark (CUS-03): p50/p95/p99 of a filtered page of 50 through the gateway
// with N customers in the database, each scenario also run as plain SQL through pg in the same
// run as the baseline. Results go to bench-results/customer-search-*.json.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { customerScopeOf, principalFromClaims } from '../../libs/auth/src';
import { CustomerRepository, type ListFilter } from '../../services/customer/src/persistence/customer-repository';
import { ensureDatabase, freePort, repoRoot, stack, startProcess, waitUntilReady, type RunningProcess } from '../../libs/testkit/src';
import { prepare, progress, salesTeam } from './bench-support';

interface Options {
  rows: number;
  samples: number;
  skipBuild: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rows: 1_000_000, samples: 200, skipBuild: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--rows') options.rows = Number(argv[++i]);
    else if (argv[i] === '--samples') options.samples = Number(argv[++i]);
    else if (argv[i] === '--skip-build') options.skipBuild = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!Number.isInteger(options.rows) || options.rows < 1000) throw new Error('--rows must be an integer ≥ 1000');
  return options;
}

const DATABASE = 'customer_bench_search';

// Building blocks of realistic Chinese company names, regions and phone numbers.
const SEED_SQL = (rows: number, owners: { id: string; unit: string }[]) => `
WITH owners(idx, owner_id, owner_unit) AS (VALUES ${owners.map((o, i) => `(${i}, '${o.id}', '${o.unit}')`).join(', ')}),
     place(idx, province, city) AS (VALUES (0,'浙江省','杭州市'),(1,'浙江省','宁波市'),(2,'江苏省','南京市'),(3,'江苏省','苏州市'),
       (4,'上海市','上海市'),(5,'北京市','北京市'),(6,'广东省','深圳市'),(7,'广东省','广州市'),(8,'四川省','成都市'),(9,'湖北省','武汉市'),
       (10,'山东省','青岛市'),(11,'福建省','厦门市')),
     words AS (SELECT ARRAY['华','东','精','密','机','械','龙','井','茶','业','科','技','信','息','智','能','制','造','电','子','软','件',
       '物','流','环','保','新','材','料','医','药','生','物','建','筑','工','程','食','品','汽','车','纺','织','服','装','金','融','能','源'] AS w)
INSERT INTO customers (id, name, kind, phone, industry, source, star_rating, owner_id, owner_unit, created_by, updated_by,
                       category, nature, province, city, is_target)
SELECT gen_random_uuid(),
       p.city || w[1 + (g * 7) % 49] || w[1 + (g * 13) % 49] || w[1 + (g * 29) % 49] || w[1 + (g * 31) % 49] || '有限公司' || g,
       CASE WHEN g % 10 = 0 THEN 'person' ELSE 'company' END,
       '1' || (30 + g % 60) || lpad((g::bigint * 7919 % 100000000)::text, 8, '0'),
       (ARRAY['软件','机械制造','食品饮料','物流','电子','医药','建筑'])[1 + g % 7],
       (ARRAY['展会','官网','电话营销','老客户介绍','合作伙伴'])[1 + g % 5],
       g % 6,
       o.owner_id, o.owner_unit, o.owner_id, o.owner_id,
       (ARRAY['potential','intentional','key','deal','invalid','shelved'])[1 + (g * 3) % 6],
       (ARRAY['民营企业','国有企业','外资企业','合资企业'])[1 + g % 4],
       p.province, p.city, g % 17 = 0
FROM generate_series(1, ${rows}) AS g
JOIN owners o ON o.idx = g % ${owners.length}
JOIN place p ON p.idx = g % 12,
     words`;

async function seed(databaseUrl: string, rows: number, owners: { id: string; unit: string }[]): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const {
      rows: [{ count }],
    } = await db.query<{ count: string }>('SELECT count(*) FROM customers');
    if (Number(count) >= rows) {
      progress(`database already holds ${count} customers`);
      return;
    }
    progress(`seeding ${rows - Number(count)} customers (once; kept for later runs)…`);
    const started = Date.now();
    await db.query("SET maintenance_work_mem = '256MB'");
    await db.query(SEED_SQL(rows - Number(count), owners));
    await db.query('ANALYZE customers');
    progress(`seeded in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    await db.end();
  }
}

interface Scenario {
  name: string;
  user: string;
  /** The query string sent to the gateway… */
  query: string;
  /** …and the same search as the repository's filter, to render its SQL for the baseline. */
  filter: Omit<ListFilter, 'limit'>;
}

const ZHEJIANG = '浙江省';
const SCENARIOS: Scenario[] = [
  {
    name: 'manager: category + province',
    user: 'manager.east',
    query: `category=key&province=${encodeURIComponent(ZHEJIANG)}`,
    filter: { categories: ['key'], provinces: [ZHEJIANG], sort: 'newest' },
  },
  {
    name: 'admin: 2-char name fragment',
    user: 'admin',
    query: `q=${encodeURIComponent('精密')}`,
    filter: { nameContains: '精密', sort: 'newest' },
  },
  {
    name: 'admin: 4-char name fragment',
    user: 'admin',
    query: `q=${encodeURIComponent('龙井茶业')}`,
    filter: { nameContains: '龙井茶业', sort: 'newest' },
  },
  { name: 'admin: phone fragment (4 digits)', user: 'admin', query: 'phone=4321', filter: { phoneDigits: '4321', sort: 'newest' } },
  { name: 'rep: own, stars ≥ 4, by stars', user: 'rep.east.1', query: 'minStars=4&sort=stars', filter: { minStars: 4, sort: 'stars' } },
  { name: 'admin: pinyin name order', user: 'admin', query: 'sort=name', filter: { sort: 'name' } },
  {
    name: 'manager: industry + source + target',
    user: 'manager.east',
    query: `industry=${encodeURIComponent('软件')}&source=${encodeURIComponent('展会')}&target=true`,
    filter: { industries: ['软件'], sources: ['展会'], onlyTargets: true, sort: 'newest' },
  },
];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summarise(samples: number[]) {
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

async function timeGateway(baseUrl: string, scenario: Scenario, token: string, samples: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < samples + 10; i += 1) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/customers?pageSize=50&${scenario.query}`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await response.json()) as { items?: unknown[] };
    if (response.status !== 200 || !Array.isArray(body.items))
      throw new Error(`${scenario.name}: ${response.status} ${JSON.stringify(body).slice(0, 300)}`);
    if (i >= 10) times.push(performance.now() - started); // the first ten warm caches and JIT
  }
  return times;
}

/** Runs a statement directly through pg: the baseline without gRPC, the gateway and JSON. */
async function timeSql(databaseUrl: string, statement: { text: string; values: unknown[] }, samples: number): Promise<number[]> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const times: number[] = [];
  try {
    for (let i = 0; i < samples + 10; i += 1) {
      const started = performance.now();
      await db.query(statement.text, statement.values);
      if (i >= 10) times.push(performance.now() - started);
    }
  } finally {
    await db.end();
  }
  return times;
}

/** The exact statement the service's repository issues for a scenario, captured instead of run. */
async function repositorySql(scenario: Scenario, token: string): Promise<{ text: string; values: unknown[] }> {
  let captured: { text: string; values: unknown[] } | undefined;
  const capture = {
    query: async (text: string, values: unknown[]) => {
      captured = { text, values };
      return { rows: [] };
    },
  };
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8'));
  const scope = customerScopeOf(principalFromClaims(claims, token));
  await new CustomerRepository().list(capture as never, scope, { ...scenario.filter, limit: 50 });
  if (!captured) throw new Error(`no statement captured for ${scenario.name}`);
  return captured;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
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
    const customer = startProcess('customer', path.join(repoRoot, 'services/customer/dist/main.js'), {
      ...common,
      SERVICE_NAME: 'customer',
      DATABASE_URL: databaseUrl,
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(adminPort),
    });
    processes.push(customer);
    await waitUntilReady(customer, `http://127.0.0.1:${adminPort}/readyz`); // migrations applied before seeding
    await seed(
      databaseUrl,
      options.rows,
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

    const results = [];
    for (const scenario of SCENARIOS) {
      progress(`${scenario.name}: ${options.samples} pages through the gateway, then the same SQL directly`);
      const gatewayStats = summarise(await timeGateway(baseUrl, scenario, tokens.get(scenario.user)!, options.samples));
      const sqlStats = summarise(await timeSql(databaseUrl, await repositorySql(scenario, tokens.get(scenario.user)!), options.samples));
      results.push({
        scenario: scenario.name,
        user: scenario.user,
        query: scenario.query,
        gatewayMs: gatewayStats,
        sqlBaselineMs: sqlStats,
        p95Ratio: Math.round((gatewayStats.p95 / sqlStats.p95) * 100) / 100,
        meetsTarget: gatewayStats.p95 <= 100,
      });
    }
    const report = {
      benchmark: 'customer-search',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
      parameters: { rows: options.rows, samplesPerScenario: options.samples, pageSize: 50, target: 'gateway p95 ≤ 100 ms' },
      results,
    };
    const dir = path.join(repoRoot, 'bench-results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `customer-search-${report.at.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, JSON.stringify(report, null, 2));
    fs.writeFileSync(path.join(dir, 'customer-search-latest.json'), JSON.stringify(report, null, 2));
    console.log(
      `\n${'scenario'.padEnd(48)} ${'gw p50'.padStart(8)} ${'gw p95'.padStart(8)} ${'gw p99'.padStart(8)} ${'sql p95'.padStart(8)} ${'ratio'.padStart(6)}  target`,
    );
    for (const r of results) {
      console.log(
        `${r.scenario.padEnd(48)} ${r.gatewayMs.p50.toFixed(1).padStart(8)} ${r.gatewayMs.p95.toFixed(1).padStart(8)} ${r.gatewayMs.p99.toFixed(1).padStart(8)} ${r.sqlBaselineMs.p95.toFixed(1).padStart(8)} ${r.p95Ratio.toFixed(2).padStart(6)}  ${r.meetsTarget ? 'ok' : 'MISSED'}`,
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
