// Customer import benchmark (CUS-14): generates N realistic Chinese customers as a CSV file,
// measures `psql \copy` of the same rows into a table shaped like customers (same generated
// columns, constraints and indexes: the baseline, since any load into customers pays for them) and,
// for reference, into a plain table with the same columns and no index, then the import of the same file through the customer service
// over gRPC (client-streaming upload, then the job until it completes). Results go to
// bench-results/customer-import-*.json.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Metadata } from '@grpc/grpc-js';
import { Client } from 'pg';
import { importExportV1 } from '../../libs/contracts/src';
import { createGrpcClient, fromGrpcError, unary } from '../../libs/runtime/src';
import { freePort, repoRoot, stack, startProcess, userToken, waitUntilReady, type RunningProcess } from '../../libs/testkit/src';
import { prepare, progress } from './bench-support';

interface Options {
  rows: number;
  skipBuild: boolean;
}

function parseOptions(argv: string[]): Options {
  const options: Options = { rows: 1_000_000, skipBuild: false };
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--rows') options.rows = Number(argv[++i]);
    else if (argv[i] === '--skip-build') options.skipBuild = true;
    else throw new Error(`unknown option ${argv[i]}`);
  }
  if (!Number.isInteger(options.rows) || options.rows < 1000 || options.rows > 1_048_575)
    throw new Error('--rows must be an integer from 1000 to 1048575');
  return options;
}

const DATABASE = 'customer_bench_import';
const HEADER = '客户名称,客户类型,电话,邮箱,行业,来源,性质,省份,城市,星级,客户类别,目标客户,信用额度';
const PLAIN_COLUMNS =
  'name text, kind text, phone text, email text, industry text, source text, nature text, province text, city text, star_rating text, category text, is_target text, credit_limit text';

// Values from the seeded base data, so that every generated row is valid.
const PLACES = [
  ['浙江省', '杭州市'],
  ['浙江省', '宁波市'],
  ['江苏省', '南京市'],
  ['江苏省', '苏州市'],
  ['上海市', '上海市'],
  ['北京市', '北京市'],
  ['广东省', '深圳市'],
  ['广东省', '广州市'],
  ['四川省', '成都市'],
  ['湖北省', '武汉市'],
];
const WORDS = '华东精密机械龙井茶业科技信息智能制造电子软件物流环保新材料医药生物建筑工程食品汽车纺织服装金融能源'.split('');
const INDUSTRIES = ['软件', '机械制造', '食品饮料', '物流', '电子', '建筑', '汽车'];
const SOURCES = ['展会', '官网', '电话营销', '老客户介绍', '合作伙伴'];
const NATURES = ['民营企业', '国有企业', '外资企业', '合资企业'];
const CATEGORIES = ['潜在', '意向', '重点'];

function row(n: number): string {
  const [province, city] = PLACES[n % PLACES.length];
  const name = `${city.slice(0, -1)}${WORDS[(n * 7) % WORDS.length]}${WORDS[(n * 13) % WORDS.length]}${WORDS[(n * 29) % WORDS.length]}${WORDS[(n * 31) % WORDS.length]}有限公司${n}`;
  const phone = `1${30 + (n % 60)}${String((n * 7919) % 100_000_000).padStart(8, '0')}`;
  return [
    name,
    n % 10 === 0 ? '个人' : '企业',
    phone,
    `contact${n}@example.cn`,
    INDUSTRIES[n % 7],
    SOURCES[n % 5],
    NATURES[n % 4],
    province,
    city,
    String(n % 6),
    CATEGORIES[n % 3],
    n % 17 === 0 ? '是' : '否',
    n % 4 === 0 ? '' : `${(n % 1000) * 100}.50`,
  ].join(',');
}

function generate(file: string, rows: number): void {
  const out = fs.openSync(file, 'w');
  fs.writeSync(out, `\uFEFF${HEADER}\r\n`);
  for (let start = 1; start <= rows; start += 10_000) {
    const lines: string[] = [];
    for (let n = start; n < Math.min(start + 10_000, rows + 1); n += 1) lines.push(row(n));
    fs.writeSync(out, `${lines.join('\r\n')}\r\n`);
    if ((start - 1) % 200_000 === 0) progress(`generated ${start - 1} rows`);
  }
  fs.closeSync(out);
}

function psql(databaseUrl: string, command: string): number {
  const started = performance.now();
  execFileSync('psql', [databaseUrl, '-v', 'ON_ERROR_STOP=1', '-q', '-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
  return (performance.now() - started) / 1000;
}

async function recreateDatabase(): Promise<string> {
  const admin = new Client({ connectionString: stack.postgresUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DATABASE} ENCODING 'UTF8' TEMPLATE template0`);
  } finally {
    await admin.end();
  }
  return stack.postgresUrl(DATABASE);
}

async function upload(address: string, token: string, file: string): Promise<string> {
  const client = createGrpcClient(importExportV1.CustomerImportServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerImportService',
    idempotentMethods: [],
    deadlineMs: 3_600_000,
  });
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${token}`);
  try {
    return await new Promise<string>((resolve, reject) => {
      const call = client.uploadCustomerImport(metadata, (error, response) =>
        error ? reject(fromGrpcError(error)) : resolve(response.import!.id),
      );
      call.write({
        options: importExportV1.CustomerImportOptions.fromPartial({
          fileName: path.basename(file),
          format: importExportV1.TransferFileFormat.TRANSFER_FILE_FORMAT_CSV,
        }),
      });
      const stream = fs.createReadStream(file, { highWaterMark: 256 * 1024 });
      stream.on('data', (chunk) => {
        if (!call.write({ chunk: chunk as Buffer })) stream.pause();
      });
      call.on('drain', () => stream.resume());
      stream.on('end', () => call.end());
      stream.on('error', reject);
    });
  } finally {
    client.close();
  }
}

async function waitForJob(address: string, user: string, id: string): Promise<importExportV1.CustomerImport> {
  const client = createGrpcClient(importExportV1.CustomerImportServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerImportService',
    idempotentMethods: ['GetCustomerImport'],
    deadlineMs: 30_000,
  });
  const metadata = new Metadata();
  try {
    for (;;) {
      // An import on a busy machine outlives an access token (5 minutes); userToken renews it.
      metadata.set('authorization', `Bearer ${await userToken(user)}`);
      const job = (await unary(client.getCustomerImport.bind(client), { id }, metadata)).import!;
      const stats = job.stats!;
      progress(
        `import ${importExportV1.CustomerImportStatus[job.status].replace('CUSTOMER_IMPORT_STATUS_', '').toLowerCase()}: ${stats.processed}/${stats.total} rows decided, ${stats.imported} imported, ${stats.failed} failed`,
      );
      if (
        job.status === importExportV1.CustomerImportStatus.CUSTOMER_IMPORT_STATUS_COMPLETED ||
        job.status === importExportV1.CustomerImportStatus.CUSTOMER_IMPORT_STATUS_FAILED
      )
        return job;
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  } finally {
    client.close();
  }
}

const rate = (rows: number, seconds: number) => Math.round(rows / seconds);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  prepare({ skipBuild: options.skipBuild, projects: ['@liaison/customer'] });
  const databaseUrl = await recreateDatabase();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'customer-import-bench-'));
  const file = path.join(workDir, `customers-${options.rows}.csv`);
  const processes: RunningProcess[] = [];
  try {
    progress(`generating ${options.rows} customers as CSV`);
    generate(file, options.rows);
    const [grpcPort, adminPort] = [await freePort(), await freePort()];
    const customer = startProcess('customer', path.join(repoRoot, 'services/customer/dist/main.js'), {
      SERVICE_NAME: 'customer-bench-import',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(adminPort),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
      PROJECTIONS_ENABLED: 'false',
      POOL_RULE_INTERVAL_MS: '0',
    });
    processes.push(customer);
    await waitUntilReady(customer, `http://127.0.0.1:${adminPort}/readyz`); // migrations and base data in place

    progress('reference: psql \\copy into a plain table with the same columns, no index');
    psql(databaseUrl, `CREATE TABLE bench_plain (${PLAIN_COLUMNS})`);
    const copySeconds = psql(databaseUrl, `\\copy bench_plain FROM '${file}' WITH (FORMAT csv, HEADER)`);
    progress(`  ${copySeconds.toFixed(1)} s, ${rate(options.rows, copySeconds)} rows/s`);

    progress('baseline: psql \\copy into a table shaped like customers (same generated columns, constraints, indexes)');
    // Ordered ids, like the import's UUIDv7, so that the baseline does not pay for random ones.
    psql(
      databaseUrl,
      `CREATE TABLE bench_customers_shape (LIKE customers INCLUDING ALL); CREATE SEQUENCE bench_ids;
      ALTER TABLE bench_customers_shape ALTER id SET DEFAULT lpad(to_hex(nextval('bench_ids')), 32, '0')::uuid,
        ALTER created_by SET DEFAULT 'bench', ALTER updated_by SET DEFAULT 'bench'`,
    );
    const columns = 'name, kind, phone, email, industry, source, nature, province, city, star_rating, category, is_target';
    const english =
      's/,企业,/,company,/; s/,个人,/,person,/; s/,潜在,/,potential,/; s/,意向,/,intentional,/; s/,重点,/,key,/; s/,是$/,true/; s/,否$/,false/';
    const shapedSeconds = psql(
      databaseUrl,
      `\\copy bench_customers_shape (${columns}) FROM PROGRAM 'tail -n +2 ${file} | tr -d "\\r" | cut -d, -f1-12 | sed -e "${english}"' WITH (FORMAT csv)`,
    );
    progress(`  ${shapedSeconds.toFixed(1)} s, ${rate(options.rows, shapedSeconds)} rows/s`);
    psql(databaseUrl, 'DROP TABLE bench_customers_shape; DROP SEQUENCE bench_ids; DROP TABLE bench_plain');

    progress('import through the customer service (gRPC upload as manager.east, then the job)');
    const token = await userToken('manager.east');
    const started = performance.now();
    const id = await upload(`127.0.0.1:${grpcPort}`, token, file);
    const uploadSeconds = (performance.now() - started) / 1000;
    progress(`  file read, checked and staged in ${uploadSeconds.toFixed(1)} s`);
    const job = await waitForJob(`127.0.0.1:${grpcPort}`, 'manager.east', id);
    const importSeconds = (performance.now() - started) / 1000;
    if (job.status !== importExportV1.CustomerImportStatus.CUSTOMER_IMPORT_STATUS_COMPLETED || job.stats?.imported !== options.rows) {
      throw new Error(`import did not import every row: ${JSON.stringify(importExportV1.CustomerImport.toJSON(job))}`);
    }

    const report = {
      benchmark: 'customer-import',
      at: new Date().toISOString(),
      machine: { cpus: os.cpus().length, node: process.version, loadAverage: os.loadavg() },
      parameters: {
        rows: options.rows,
        fileBytes: fs.statSync(file).size,
        path: 'gRPC client-streaming upload to the customer service, then the import job (no gateway)',
        target: 'import ≥ 0.5 × psql \\copy of the same rows into the customers table shape',
      },
      baselinePsqlCopy: { seconds: shapedSeconds, rowsPerSecond: rate(options.rows, shapedSeconds), into: 'LIKE customers INCLUDING ALL' },
      referencePsqlCopyIntoPlainTable: {
        seconds: copySeconds,
        rowsPerSecond: rate(options.rows, copySeconds),
        into: 'plain table, same columns as text, no indexes',
      },
      import: {
        seconds: importSeconds,
        uploadAndStageSeconds: uploadSeconds,
        rowsPerSecond: rate(options.rows, importSeconds),
        stats: job.stats,
      },
      ratio: Math.round((shapedSeconds / importSeconds) * 1000) / 1000,
      ratioToPlainTable: Math.round((copySeconds / importSeconds) * 1000) / 1000,
    };
    const dir = path.join(repoRoot, 'bench-results');
    fs.mkdirSync(dir, { recursive: true });
    const out = path.join(dir, `customer-import-${report.at.replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(out, JSON.stringify(report, null, 2));
    fs.writeFileSync(path.join(dir, 'customer-import-latest.json'), JSON.stringify(report, null, 2));
    console.log(
      `\nrows ${options.rows}: psql \\copy customers-shaped ${report.baselinePsqlCopy.rowsPerSecond} rows/s, \\copy plain ${report.referencePsqlCopyIntoPlainTable.rowsPerSecond} rows/s, import ${report.import.rowsPerSecond} rows/s`,
    );
    console.log(
      `ratio import / customers-shaped copy ${report.ratio} (target 0.5: ${report.ratio >= 0.5 ? 'met' : 'MISSED'}), import / plain copy ${report.ratioToPlainTable}`,
    );
    console.log(`written to ${path.relative(repoRoot, out)}`);
  } finally {
    await Promise.all(processes.map((proc) => proc.stop()));
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
