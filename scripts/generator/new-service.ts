import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { namesOf, type ServiceNames, type Store } from './names';
import {
  chartHasMongodb,
  hasTopic,
  registerChart,
  registerContracts,
  registerSkaffold,
  repoRoot,
  unregisterChart,
  unregisterContracts,
  unregisterSkaffold,
} from './registrations';
import * as common from './templates-common';
import * as source from './templates-source';
import { storeFiles } from './templates-store';

// scripts/new-service <name> --db postgres|mongo [--domain <domain>]: a new service in the
// platform's one layout, built on libs/platform, with a first API (settings), its proto package,
// its schema, unit and integration tests, README, Dockerfile, local settings, chart entry and
// skaffold artifact. `--remove` takes a generated service out again (everything it added).

const FIRST_GRPC_PORT = 50051;
const FIRST_HTTP_PORT = 9101;

function filesOf(n: ServiceNames, ports: { grpc: number; http: number }): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': common.packageJson(n),
    'tsconfig.json': common.tsconfig,
    'tsconfig.build.json': common.tsconfigBuild,
    'jest.config.js': common.jestConfig,
    'jest.int.config.js': common.jestIntConfig,
    'Dockerfile': common.dockerfile(n),
    'README.md': common.readme(n),
    'local.env': common.localEnv(n, ports.grpc, ports.http),
    'src/main.ts': source.mainTs(n),
    'src/config.ts': source.configTs(n),
    'src/app.ts': source.appTs(n),
    [`src/grpc/${n.name}-apis.ts`]: source.apisTs(n),
    'src/grpc/setting-handlers.ts': source.handlersTs(n),
    'src/grpc/setting-mapper.ts': source.mapperTs(n),
    'src/domain/setting.ts': source.settingTs,
    'src/domain/setting.test.ts': source.settingTestTs,
    [`src/jobs/${n.name}-jobs.ts`]: source.jobsTs(n),
    [`src/projections/${n.name}-projections.ts`]: source.projectionsTs(n),
    'test/support.ts': source.supportTs(n),
    'test/setting.int.test.ts': source.intTestTs(n),
    ...storeFiles(n),
  };
  files[n.store === 'postgres' ? 'src/events/outbox.ts' : 'src/events/topic.ts'] =
    n.store === 'postgres' ? source.outboxTs(n) : source.mongoTopicTs(n);
  return files;
}

/** The next free ports after every service's local.env. */
function nextPorts(): { grpc: number; http: number } {
  const used = fs
    .readdirSync(path.join(repoRoot, 'services'))
    .map((name) => path.join(repoRoot, 'services', name, 'local.env'))
    .filter((envFile) => fs.existsSync(envFile))
    .map((envFile) => fs.readFileSync(envFile, 'utf8'));
  const max = (key: string, first: number) =>
    Math.max(first - 1, ...used.map((text) => Number(new RegExp(`^${key}=(\\d+)`, 'm').exec(text)?.[1] ?? 0)));
  return { grpc: max('GRPC_PORT', FIRST_GRPC_PORT) + 1, http: max('HTTP_PORT', FIRST_HTTP_PORT) + 1 };
}

function run(command: string, args: string[]): void {
  execFileSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
}

const serviceDir = (n: ServiceNames) => path.join(repoRoot, 'services', n.name);
const protoFile = (n: ServiceNames) => path.join(repoRoot, 'proto/liaison', n.domain, 'v1/setting.proto');
// What the generator found before it registered the service, so that --remove restores it.
const MARK = '.generated.json';

interface Found {
  store: Store;
  topicExisted: boolean;
  mongodbWasOn: boolean;
}

function generate(n: ServiceNames): void {
  if (fs.existsSync(serviceDir(n))) throw new Error(`services/${n.name} exists already`);
  if (fs.existsSync(protoFile(n))) throw new Error(`proto/liaison/${n.domain}/v1/setting.proto exists already: choose another --domain`);
  const found: Found = { store: n.store, topicExisted: hasTopic(n), mongodbWasOn: chartHasMongodb() };
  for (const [relative, text] of Object.entries(filesOf(n, nextPorts()))) {
    const target = path.join(serviceDir(n), relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  fs.writeFileSync(path.join(serviceDir(n), MARK), `${JSON.stringify(found, null, 2)}\n`);
  fs.mkdirSync(path.dirname(protoFile(n)), { recursive: true });
  fs.writeFileSync(protoFile(n), common.settingProto(n));
  registerContracts(n);
  registerChart(n);
  registerSkaffold(n);
  run('bash', ['scripts/proto-gen']);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
  run('npx', [
    'prettier',
    '--write',
    '--log-level',
    'warn',
    `services/${n.name}`,
    'libs/contracts/src/index.ts',
    'libs/contracts/src/event-types.ts',
  ]);
  console.log(`\nservices/${n.name} is ready: npx nx run-many -t build lint typecheck test test:int -p @liaison/${n.name}`);
  console.log('Next: docs/adding-a-service.md');
}

function remove(named: ServiceNames): void {
  const markFile = path.join(serviceDir(named), MARK);
  if (!fs.existsSync(markFile)) throw new Error(`services/${named.name}/${MARK} is missing: only a generated service can be removed`);
  const found = JSON.parse(fs.readFileSync(markFile, 'utf8')) as Found;
  const n = namesOf(named.name, found.store, named.domain);
  unregisterSkaffold(n);
  unregisterChart(n, found.mongodbWasOn);
  unregisterContracts(n, found.topicExisted);
  fs.rmSync(serviceDir(n), { recursive: true, force: true });
  fs.rmSync(protoFile(n), { force: true });
  for (const dir of [path.dirname(protoFile(n)), path.dirname(path.dirname(protoFile(n)))]) {
    if (fs.existsSync(dir) && fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  }
  run('bash', ['scripts/proto-gen']);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
  console.log(`services/${n.name} removed`);
}

function parse(argv: string[]): { names: ServiceNames; remove: boolean } {
  const [name, ...flags] = argv;
  const option = (flag: string) => {
    const at = flags.indexOf(flag);
    return at >= 0 ? flags[at + 1] : undefined;
  };
  // --remove reads the store from what the generator recorded.
  const db = option('--db') ?? (flags.includes('--remove') ? 'postgres' : undefined);
  if (!name || !db || !['postgres', 'mongo'].includes(db)) {
    throw new Error(
      'usage: scripts/new-service <name> --db postgres|mongo [--domain <domain>] | scripts/new-service <name> --remove [--domain <domain>]',
    );
  }
  return { names: namesOf(name, db as Store, option('--domain')), remove: flags.includes('--remove') };
}

try {
  const { names, remove: removing } = parse(process.argv.slice(2));
  if (removing) remove(names);
  else generate(names);
} catch (error) {
  console.error(`new-service: ${(error as Error).message}`);
  process.exit(1);
}
