// The API fuzz gate: Schemathesis walks every operation of the gateway's OpenAPI document as
// each of several roles, against a platform of its own on a throwaway database (fuzzed writes
// create data). Any 5xx, any status the document does not list for the operation, or a body
// that contradicts its schema fails the run. Started by scripts/fuzz-api, which installs
// Schemathesis; see the usage there. A fixed seed and a few examples per operation and role keep
// a run repeatable and within about three minutes on two cores; raise --max-examples to dig.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { stack, userToken } from '../libs/testkit/src';
import { startPlatform } from '../gateway/test/platform';

const DATABASE = 'gateway_fuzz';

interface Role {
  role: string;
  user: string;
  /** Schemathesis phases: coverage (boundary and negative values of every parameter) costs most. */
  phases: string;
}

// One demo user per kind of caller: every permission (reaches the deepest code, so it also gets
// the coverage phase), a unit's supervisor, a unit member and an outside partner (whose calls
// differ by permission and data scope, which fuzzing and the stateful phase explore).
const ROLES: Role[] = [
  { role: 'admin', user: 'admin', phases: 'examples,coverage,fuzzing,stateful' },
  { role: 'sales manager', user: 'manager.east', phases: 'examples,fuzzing,stateful' },
  { role: 'sales rep', user: 'rep.east.1', phases: 'examples,fuzzing,stateful' },
  { role: 'partner', user: 'partner.acme', phases: 'examples,fuzzing,stateful' },
];

// No 5xx, only documented statuses and media types, bodies as their schemas say, and 405 for
// methods a path does not serve.
const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
  'unsupported_method',
];

interface Options {
  schemathesis: string;
  maxExamples: number;
  seed: number;
  reportDir: string;
  extra: string[];
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    schemathesis: '',
    maxExamples: 6,
    seed: 20240601,
    reportDir: path.join(process.env.LIAISON_STATE ?? '/tmp', 'fuzz-api'),
    extra: [],
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--schemathesis') options.schemathesis = value;
    else if (flag === '--max-examples') options.maxExamples = Number(value);
    else if (flag === '--seed') options.seed = Number(value);
    else if (flag === '--report-dir') options.reportDir = value;
    else if (flag === '--') {
      options.extra = argv.slice(i + 1);
      break;
    } else throw new Error(`unknown option ${flag}`);
    i++;
  }
  if (!options.schemathesis) throw new Error('--schemathesis <path of st> is required');
  return options;
}

async function onAdminDatabase(sql: string): Promise<void> {
  const admin = new Client({ connectionString: stack.postgresUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(sql);
  } finally {
    await admin.end();
  }
}

const dropDatabase = () => onAdminDatabase(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`);

function run(command: string, args: string[], cwd: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: 'inherit', cwd });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

async function fuzzAs({ role, user, phases }: Role, baseUrl: string, options: Options): Promise<number> {
  // A fresh token per role: one run must not outlive it (the realm's tokens last 5 minutes).
  const token = await userToken(user);
  const reportDir = path.join(options.reportDir, user);
  mkdirSync(reportDir, { recursive: true });
  process.stdout.write(`\n[fuzz] as ${role} (${user})\n`);
  const started = Date.now();
  const status = await run(
    options.schemathesis,
    [
      'run',
      `${baseUrl}/openapi.json`,
      '--url',
      baseUrl,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      CHECKS.join(','),
      '--phases',
      phases,
      '--max-examples',
      String(options.maxExamples),
      '--seed',
      String(options.seed),
      '--generation-database',
      'none',
      '--report',
      'junit',
      '--report-dir',
      reportDir,
      '--no-color',
      ...options.extra,
    ],
    reportDir,
  );
  process.stdout.write(`[fuzz] ${user}: exit ${status} after ${Math.round((Date.now() - started) / 1000)}s\n`);
  return status;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  rmSync(options.reportDir, { recursive: true, force: true });
  await dropDatabase();
  const platform = await startPlatform(DATABASE);
  const failed: string[] = [];
  try {
    for (const role of ROLES) {
      if ((await fuzzAs(role, platform.baseUrl, options)) !== 0) failed.push(`${role.role} (${role.user})`);
    }
    // What the services logged is where a 5xx or a broken download is explained.
    if (failed.length)
      for (const proc of platform.processes) writeFileSync(path.join(options.reportDir, `${proc.name}.log`), proc.output());
  } finally {
    await platform.stop();
    await dropDatabase();
  }
  if (failed.length) {
    process.stdout.write(`\n[fuzz] findings as ${failed.join(', ')}; reports under ${options.reportDir}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('\n[fuzz] no findings\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
