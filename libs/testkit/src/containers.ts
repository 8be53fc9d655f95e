import { execFile } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { GenericContainer, WaitStrategy } from 'testcontainers';
import { waitFor } from './processes';

// The second way to get the test stack: containers started through testcontainers where a Docker
// engine exists (LIAISON_STACK=testcontainers). Every container binds the same fixed host port
// that scripts/stack uses, so tests, services and URLs, above all the Keycloak issuer
// http://localhost:8180/realms/liaison, stay the same whichever mode provided the stack.

export type StackMode = 'local' | 'testcontainers';
const MODES: readonly string[] = ['local', 'testcontainers'];

/** The stack mode from LIAISON_STACK; unset or empty means `local`, anything unknown is an error. */
export function stackMode(env: NodeJS.ProcessEnv = process.env): StackMode {
  const value = env.LIAISON_STACK?.trim() || 'local';
  // Failing loudly: a typo must not quietly run the suite against a different stack.
  if (!MODES.includes(value)) throw new Error(`LIAISON_STACK must be one of ${MODES.join(', ')}, not "${value}"`);
  return value as StackMode;
}

export const COMPONENTS = ['postgres', 'kafka', 'keycloak', 'ferretdb'] as const;
export type Component = (typeof COMPONENTS)[number];

/** How to tell that a container is ready, both for testcontainers and for a `docker start`. */
export type Readiness = { kind: 'log'; text: string } | { kind: 'http'; port: number; path: string } | { kind: 'command'; command: string };

export interface ContainerSpec {
  component: Component;
  name: string;
  image: string;
  labels: Record<string, string>;
  ports: { container: number; host: number }[];
  environment: Record<string, string>;
  command: string[];
  files: { source: string; target: string }[];
  contents: { content: string; target: string }[];
  readiness: Readiness;
  startupTimeoutMs: number;
}

/** The label every Liaison container carries, so leftovers can be found without the state file. */
export const STACK_LABEL = 'org.liaison.stack';
export const DATABASES = ['gateway', 'customer', 'sales_pipeline', 'analytics'];
export const KEYCLOAK_URL = 'http://localhost:8180';
export const REALM_OPENID_PATH = '/realms/liaison/.well-known/openid-configuration';

/** What startContainerStack starts: a pure description, so it can be checked without Docker. */
export function containerSpecs(repoRoot: string): ContainerSpec[] {
  return [postgresSpec(), kafkaSpec(), keycloakSpec(repoRoot), ferretdbSpec()];
}

function base(component: Component, image: string, port: number): Omit<ContainerSpec, 'readiness' | 'startupTimeoutMs'> {
  return {
    component,
    name: `liaison-${component}`,
    image,
    labels: { [STACK_LABEL]: 'testcontainers', 'org.liaison.component': component },
    ports: [{ container: port, host: port }],
    environment: {},
    command: [],
    files: [],
    contents: [],
  };
}

function postgresSpec(): ContainerSpec {
  const createDatabases = DATABASES.map((db) => `CREATE DATABASE ${db} ENCODING 'UTF8' TEMPLATE template0;`).join('\n');
  return {
    ...base('postgres', 'postgres:15', 5432),
    // Same encoding, locale and settings as the cluster scripts/stack creates.
    environment: { POSTGRES_USER: 'liaison', POSTGRES_PASSWORD: 'liaison', POSTGRES_INITDB_ARGS: '--encoding=UTF8 --locale=C.UTF-8' },
    command: ['postgres', '-c', 'max_connections=200', '-c', 'timezone=UTC', '-c', 'log_timezone=UTC'],
    contents: [{ content: `${createDatabases}\n`, target: '/docker-entrypoint-initdb.d/10-liaison-databases.sql' }],
    // The image's init phase runs a temporary server without TCP, so a TCP pg_isready only
    // succeeds once the final server is up; it also works after a restart, unlike counting logs.
    readiness: { kind: 'command', command: 'pg_isready -h 127.0.0.1 -p 5432 -U liaison -d postgres' },
    startupTimeoutMs: 120_000,
  };
}

function kafkaSpec(): ContainerSpec {
  return {
    ...base('kafka', 'apache/kafka:3.9.1', 9092),
    environment: kafkaEnvironment(),
    readiness: { kind: 'log', text: 'Kafka Server started' },
    startupTimeoutMs: 120_000,
  };
}

/** The image ignores its defaults once any KAFKA_* is set, so this is the whole broker config. */
function kafkaEnvironment(): Record<string, string> {
  return {
    // The image formats storage with this id on every start (skipping it once formatted), so it
    // must stay fixed for a `docker start` after `docker stop` to find its own data.
    CLUSTER_ID: 'fSxF3rB91VWAoIius7HMwg',
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: 'PLAINTEXT://:9092,CONTROLLER://:9093',
    // Clients on the host reach the broker through the fixed port binding at this address.
    KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:9092',
    KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_LOG_DIRS: '/tmp/kraft-combined-logs',
    KAFKA_NUM_PARTITIONS: '3',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
    KAFKA_DEFAULT_REPLICATION_FACTOR: '1',
    KAFKA_MIN_INSYNC_REPLICAS: '1',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '10',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_HEAP_OPTS: '-Xms128m -Xmx512m',
  };
}

function keycloakSpec(repoRoot: string): ContainerSpec {
  const spec = base('keycloak', 'quay.io/keycloak/keycloak:26.4', 8180);
  return {
    ...spec,
    // Health lives on the management port 9000 in the container; host 9180 is where scripts/stack has it.
    ports: [...spec.ports, { container: 9000, host: 9180 }],
    environment: { KC_BOOTSTRAP_ADMIN_USERNAME: 'admin', KC_BOOTSTRAP_ADMIN_PASSWORD: 'admin', JAVA_OPTS_KC_HEAP: '-Xms64m -Xmx768m' },
    // A fixed hostname keeps the token issuer identical to the local stack's.
    command: ['start-dev', '--import-realm', '--http-port=8180', '--health-enabled=true', `--hostname=${KEYCLOAK_URL}`],
    files: [{ source: path.join(repoRoot, 'deploy/keycloak/liaison-realm.json'), target: '/opt/keycloak/data/import/liaison-realm.json' }],
    readiness: { kind: 'http', port: 8180, path: REALM_OPENID_PATH },
    startupTimeoutMs: 300_000,
  };
}

function ferretdbSpec(): ContainerSpec {
  return {
    ...base('ferretdb', 'ghcr.io/ferretdb/ferretdb:1', 27017),
    environment: {
      FERRETDB_HANDLER: 'sqlite',
      FERRETDB_SQLITE_URL: 'file:/state/',
      FERRETDB_LISTEN_ADDR: ':27017',
      FERRETDB_TELEMETRY: 'disable',
    },
    readiness: { kind: 'log', text: 'Listening on TCP' },
    startupTimeoutMs: 60_000,
  };
}

// ---- commands and state --------------------------------------------------------------------

export interface CommandOutput {
  stdout: string;
  stderr: string;
}
/** Runs a program; injected so tests can observe docker calls without a Docker engine. */
export type CommandRunner = (file: string, args: string[]) => Promise<CommandOutput>;

const execFileAsync = promisify(execFile);

export const runCommand: CommandRunner = async (file, args) => {
  // Container logs can be large; the default 1 MB buffer would fail the call.
  const { stdout, stderr } = await execFileAsync(file, args, { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
  return { stdout, stderr };
};

export interface ContainerState {
  containers: Partial<Record<Component, string>>;
}

export function stateFilePath(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.LIAISON_STATE || path.join(os.homedir(), '.local/state/liaison');
  return path.join(state, 'testcontainers.json');
}

async function readState(file: string): Promise<ContainerState> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new Error(`no container stack recorded in ${file}; start it with: npx tsx libs/testkit/src/stack-cli.ts up`);
  });
  return JSON.parse(text) as ContainerState;
}

async function writeState(file: string, state: ContainerState): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, `${JSON.stringify(state, null, 2)}\n`);
}

// ---- `stackCommand` in testcontainers mode -----------------------------------------------------

export interface ContainerCommandDeps {
  repoRoot: string;
  env: NodeJS.ProcessEnv;
  run: CommandRunner;
}

/** `up|down [component...]` like scripts/stack, done with `docker start|stop` on the recorded containers. */
export async function containerStackCommand(args: string[], deps: ContainerCommandDeps): Promise<string> {
  const [verb, ...names] = args;
  if (verb !== 'up' && verb !== 'down') {
    throw new Error(`stack command "${args.join(' ')}" is not available with LIAISON_STACK=testcontainers (only up and down)`);
  }
  const components = parseComponents(names);
  const state = await readState(stateFilePath(deps.env));
  const ids = components.map((component) => recordedId(state, component));
  // Fixed port bindings are part of the container, so a stopped container comes back on the same ports.
  if (verb === 'down') return (await deps.run('docker', ['stop', ...ids])).stdout;
  const specs = containerSpecs(deps.repoRoot);
  for (const [i, component] of components.entries()) {
    await startRecorded(
      ids[i],
      specs.find((spec) => spec.component === component)!,
      deps.run,
    );
  }
  return '';
}

function parseComponents(names: string[]): Component[] {
  if (names.length === 0) return [...COMPONENTS];
  const unknown = names.filter((name) => !(COMPONENTS as readonly string[]).includes(name));
  if (unknown.length) throw new Error(`unknown stack component(s) ${unknown.join(', ')}; known: ${COMPONENTS.join(', ')}`);
  return names as Component[];
}

function recordedId(state: ContainerState, component: Component): string {
  const id = state.containers[component];
  if (!id) throw new Error(`no ${component} container recorded in the container stack state`);
  return id;
}

/** Like `scripts/stack up`: leaves a running container alone, otherwise starts it and waits until ready. */
async function startRecorded(id: string, spec: ContainerSpec, run: CommandRunner): Promise<void> {
  if ((await inspect(run, id, '{{.State.Running}}')) === 'true') return;
  await run('docker', ['start', id]);
  await waitFor(`${spec.component} container ${id} after docker start`, () => isReady(id, spec, run), spec.startupTimeoutMs, 1000);
}

async function inspect(run: CommandRunner, id: string, format: string): Promise<string> {
  return (await run('docker', ['inspect', '--format', format, id])).stdout.trim();
}

async function isReady(id: string, spec: ContainerSpec, run: CommandRunner): Promise<boolean> {
  const readiness = spec.readiness;
  if (readiness.kind === 'command') return run('docker', ['exec', id, 'sh', '-c', readiness.command]).then(() => true);
  if (readiness.kind === 'http') {
    const host = spec.ports.find((port) => port.container === readiness.port)!.host;
    const response = await fetch(`http://localhost:${host}${readiness.path}`, { signal: AbortSignal.timeout(2000) });
    return response.status === 200;
  }
  // Only this run's log counts: the container's earlier runs logged the same line.
  const startedAt = await inspect(run, id, '{{.State.StartedAt}}');
  const { stdout, stderr } = await run('docker', ['logs', '--since', startedAt, id]);
  return `${stdout}\n${stderr}`.includes(readiness.text);
}

// ---- starting and stopping the whole stack ------------------------------------------------------

type Testcontainers = typeof import('testcontainers');

export interface StartOptions {
  repoRoot: string;
  env?: NodeJS.ProcessEnv;
  run?: CommandRunner;
  /** Checks that a container runtime answers; defaults to testcontainers' own discovery. */
  probe?: () => Promise<unknown>;
}

/** Starts every component (fresh containers) and records their ids in the state file. */
export async function startContainerStack(options: StartOptions): Promise<ContainerState> {
  const run = options.run ?? runCommand;
  // Loaded lazily so that importing the testkit never loads the Docker client.
  const tc: Testcontainers = await import('testcontainers');
  await requireDockerEngine(options.probe ?? (() => tc.getContainerRuntimeClient()));
  await removeStackContainers(run); // leftovers from an interrupted run would hold the fixed ports
  const specs = containerSpecs(options.repoRoot);
  await requireFreePorts(specs);
  const results = await Promise.allSettled(specs.map((spec) => startOne(tc, spec)));
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) {
    await removeStackContainers(run).catch(() => undefined);
    throw failure.reason;
  }
  const ids = results.map((result) => (result as PromiseFulfilledResult<string>).value);
  const state: ContainerState = { containers: Object.fromEntries(specs.map((spec, i) => [spec.component, ids[i]])) };
  await writeState(stateFilePath(options.env), state);
  return state;
}

/** Removes every Liaison stack container (found by label) and forgets the state. */
export async function stopContainerStack(options: { env?: NodeJS.ProcessEnv; run?: CommandRunner } = {}): Promise<string[]> {
  const removed = await removeStackContainers(options.run ?? runCommand);
  await rm(stateFilePath(options.env), { force: true });
  return removed;
}

export async function requireDockerEngine(probe: () => Promise<unknown>): Promise<void> {
  try {
    await probe();
  } catch (error) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new Error(
      `no Docker engine found: LIAISON_STACK=testcontainers needs a running Docker engine (testcontainers: ${cause}). ` +
        'Start Docker, or unset LIAISON_STACK to use scripts/stack.',
    );
  }
}

async function removeStackContainers(run: CommandRunner): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '--all', '--quiet', '--filter', `label=${STACK_LABEL}=testcontainers`]);
  const ids = stdout.split(/\s+/).filter(Boolean);
  if (ids.length) await run('docker', ['rm', '--force', '--volumes', ...ids]);
  return ids;
}

/** A clear error instead of Docker's "port is already allocated", e.g. when scripts/stack is still up. */
async function requireFreePorts(specs: ContainerSpec[]): Promise<void> {
  const ports = specs.flatMap((spec) => spec.ports.map((port) => port.host));
  const busy = (await Promise.all(ports.map(async (port) => ((await isListening(port)) ? port : 0)))).filter(Boolean);
  if (busy.length) throw new Error(`host port(s) ${busy.join(', ')} already in use; stop the local stack first (scripts/stack down)`);
}

function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port, timeout: 1000 });
    const done = (listening: boolean) => {
      socket.destroy();
      resolve(listening);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

async function startOne(tc: Testcontainers, spec: ContainerSpec): Promise<string> {
  const started = await buildContainer(tc, spec).start();
  return started.getId();
}

function buildContainer(tc: Testcontainers, spec: ContainerSpec): GenericContainer {
  let container = new tc.GenericContainer(spec.image)
    .withName(spec.name)
    .withLabels(spec.labels)
    .withExposedPorts(...spec.ports)
    .withEnvironment(spec.environment)
    .withWaitStrategy(waitStrategy(tc, spec))
    .withStartupTimeout(spec.startupTimeoutMs)
    // No reaper: the containers must outlive the CLI process that started them; `down` removes them.
    .withAutoCleanup(false);
  if (spec.command.length) container = container.withCommand(spec.command);
  if (spec.files.length) container = container.withCopyFilesToContainer(spec.files);
  if (spec.contents.length) container = container.withCopyContentToContainer(spec.contents);
  return container;
}

function waitStrategy(tc: Testcontainers, spec: ContainerSpec): WaitStrategy {
  const readiness = spec.readiness;
  if (readiness.kind === 'log') return tc.Wait.forLogMessage(readiness.text);
  if (readiness.kind === 'command') return tc.Wait.forSuccessfulCommand(readiness.command);
  return tc.Wait.forHttp(readiness.path, readiness.port).forStatusCode(200);
}
