// Benchmark of the customer API through the public gateway, against a floor and a bare node:http
// server measured in the same run on the same machine.
//
//   scripts/bench/gateway-customers [--duration 10] [--rounds 5] [--connections 16] [--warmup 2] [--skip-build] [--profile DIR]
//
// Phases (each: warm-up, then measured windows of the same total length and concurrency):
//   bare-get    GET  on a bare node:http server answering a customer-sized JSON body
//   bare-post   POST on the same server, echoing the create body
//   floor-post  POST on the floor (floor-server.mjs): node:http + jose + the customer service's own
//               handler and SQL, outbox row included: what a create needs at the least
//   create      POST /api/v1/customers through gateway -> gRPC -> customer service -> PostgreSQL
//   floor-get   GET  on the floor, the ids created, round-robin
//   get         GET  /api/v1/customers/{id} through the gateway, the same ids
// The targets compare each gateway phase with the floor of its method (GET >= 0.5x the floor's
// throughput, POST >= 0.7x, p99 <= 3x the floor's): the gateway's own cost over the work itself.
// A floor phase and its gateway phase take turns in short rounds, so that the machine's drift
// (this VM's throughput moves by half within minutes) falls on both alike.
// The bare phases say what Node answering HTTP at all costs here.
//
// The run is isolated: its services publish to topics of their own (KAFKA_TOPIC_PREFIX), no
// projection or job runs, and every phase starts with the outbox published.
//
// The load generator is closed-loop: N workers, each owning one keep-alive connection, send the
// next request as soon as the previous one answered. It runs in this process, so on a small
// machine it competes for CPU with the servers; the per-process CPU columns show how much.

import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'pg';
import {
  ensureDatabase,
  freePort,
  repoRoot,
  stack,
  startProcess,
  userToken,
  waitUntilReady,
  type RunningProcess,
} from '../../libs/testkit/src';

const BENCH_NAME = 'gateway-customers';
const BENCH_DATABASE = 'customer_bench';
const GATEWAY_DATABASE = 'gateway_bench';
const BENCH_USER = 'rep.east.1';
/** A phase fails the run when more than this share of its requests failed. */
const MAX_ERROR_RATE = 0.01;
const REQUEST_TIMEOUT_MS = 10_000;
/** Load generator CPU (percent of one core) from which it, not the server, sets the pace. */
const LOADGEN_SATURATED_PERCENT = 90;

// ---------------------------------------------------------------------------------------------
// command line

interface Options {
  durationS: number;
  connections: number;
  warmupS: number;
  /** Floor and gateway phases alternate in this many rounds, sharing the measured time. */
  rounds: number;
  skipBuild: boolean;
  /** Where the servers write V8 CPU profiles (--cpu-prof), when given. */
  profileDir?: string;
}

const USAGE = `usage: scripts/bench/gateway-customers [--duration SECONDS] [--rounds N] [--connections N] [--warmup SECONDS] [--skip-build]
  --duration     measured seconds per phase (default 10)
  --rounds       rounds in which a floor phase and its gateway phase take turns (default 5)
  --connections  concurrent keep-alive connections (default 16)
  --warmup       warm-up seconds before each phase's first measured window (default 2)
  --skip-build   do not run the nx build first (use the existing dist/ output)
  --profile DIR  the servers write V8 CPU profiles into DIR when they stop (slows them down)`;

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      'duration': { type: 'string', default: '10' },
      'rounds': { type: 'string', default: '5' },
      'connections': { type: 'string', default: '16' },
      'warmup': { type: 'string', default: '2' },
      'skip-build': { type: 'boolean', default: false },
      'profile': { type: 'string' },
      'help': { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const positive = (name: string, raw: string, integer: boolean, allowZero = false) => {
    const value = Number(raw);
    const valid = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
    if (!valid) {
      console.error(`--${name} must be a ${integer ? 'whole' : ''} number${allowZero ? ' >= 0' : ' > 0'}, got ${raw}\n${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  return {
    durationS: positive('duration', values.duration!, false),
    connections: positive('connections', values.connections!, true),
    warmupS: positive('warmup', values.warmup!, false, true),
    rounds: positive('rounds', values.rounds!, true),
    skipBuild: values['skip-build']!,
    profileDir: values.profile && path.resolve(values.profile),
  };
}

// ---------------------------------------------------------------------------------------------
// progress output and helper commands

const runStarted = performance.now();
/** Node options of the servers this bench starts: CPU profiles when --profile asks for them. */
let serverNodeArgs: string[] = [];
function progress(message: string): void {
  const elapsed = ((performance.now() - runStarted) / 1000).toFixed(1).padStart(5);
  console.log(`[bench ${elapsed}s] ${message}`);
}

/** Runs a command quietly; its output is only shown when it fails (nx and the stack are chatty). */
function runCommand(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`}):\n${output.slice(-6000)}`));
    });
  });
}

function gitFacts(): { commit: string | null; dirty: boolean | null } {
  // Read-only git; GIT_OPTIONAL_LOCKS=0 keeps `git status` from rewriting the index.
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0 };
  } catch {
    return { commit: null, dirty: null };
  }
}

// ---------------------------------------------------------------------------------------------
// per-process CPU, so a reader can tell whether the load generator or a server was saturated

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Cumulative user+system CPU seconds of a process, or undefined where /proc is unavailable. */
function cpuSecondsOf(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the ")" that closes the command name: state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

type CpuSnapshot = Record<string, number | undefined>;

function cpuSnapshot(processes: RunningProcess[]): CpuSnapshot {
  const snapshot: CpuSnapshot = { loadgen: cpuSecondsOf(process.pid) };
  for (const proc of processes) snapshot[proc.name] = cpuSecondsOf(proc.child.pid);
  return snapshot;
}

// ---------------------------------------------------------------------------------------------
// load generator

interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: Buffer;
}

interface Target {
  label: string;
  port: number;
  headers: Record<string, string>;
  agent: http.Agent;
}

interface Response {
  status: number;
  body: Buffer;
}

function send(target: Target, request: PlannedRequest): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...target.headers };
    if (request.body) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = request.body.length;
    }
    const req = http.request(
      {
        host: '127.0.0.1',
        port: target.port,
        method: request.method,
        path: request.path,
        headers,
        agent: target.agent,
        timeout: REQUEST_TIMEOUT_MS,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.once('error', reject);
    req.end(request.body);
  });
}

interface LoadWindow {
  requests: number;
  errors: number;
  /** Answers outside 2xx, by status. */
  errorStatuses: Record<string, number>;
  networkErrors: number;
  firstErrors: string[];
  /** Every answered request's latency in ms (network errors have none). */
  latencies: Float64Array;
  elapsedS: number;
}

/**
 * Closed loop for `durationMs`: `connections` workers, each sending its next request when the
 * previous one answered. Requests started before the deadline are all awaited and counted, and
 * the elapsed time runs until the last of them answered, so req/s is exact for what was counted.
 */
async function runLoad(
  target: Target,
  connections: number,
  durationMs: number,
  nextRequest: () => PlannedRequest,
  onSuccess?: (response: Response) => void,
): Promise<LoadWindow> {
  let latencies = new Float64Array(1 << 16);
  let answered = 0;
  const window: Omit<LoadWindow, 'latencies' | 'elapsedS'> = {
    requests: 0,
    errors: 0,
    errorStatuses: {},
    networkErrors: 0,
    firstErrors: [],
  };
  const noteError = (what: string) => {
    window.errors += 1;
    if (window.firstErrors.length < 5) window.firstErrors.push(what);
  };

  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const request = nextRequest();
      window.requests += 1;
      const sent = performance.now();
      try {
        const response = await send(target, request);
        const latency = performance.now() - sent;
        if (answered === latencies.length) {
          const grown = new Float64Array(latencies.length * 2);
          grown.set(latencies);
          latencies = grown;
        }
        latencies[answered++] = latency;
        if (response.status >= 200 && response.status < 300) {
          onSuccess?.(response);
        } else {
          window.errorStatuses[response.status] = (window.errorStatuses[response.status] ?? 0) + 1;
          noteError(`${request.method} ${request.path} -> ${response.status} ${response.body.toString('utf8').slice(0, 300)}`);
        }
      } catch (error) {
        window.networkErrors += 1;
        noteError(`${request.method} ${request.path} -> ${String(error)}`);
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsedS = (performance.now() - started) / 1000;
  return { ...window, latencies: latencies.slice(0, answered), elapsedS };
}

interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/** Exact percentiles (nearest rank) over every recorded latency. */
function summarize(latencies: Float64Array): LatencySummary {
  if (latencies.length === 0) return { min: NaN, mean: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN };
  const sorted = latencies.slice().sort();
  const rank = (p: number) => sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1];
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    min: round(sorted[0]),
    mean: round(sum / sorted.length),
    p50: round(rank(50)),
    p90: round(rank(90)),
    p99: round(rank(99)),
    max: round(sorted[sorted.length - 1]),
  };
}

interface PhaseResult {
  name: string;
  description: string;
  method: string;
  path: string;
  durationS: number;
  /** Measured windows the phase's time was split into (see --rounds). */
  windows: number;
  connections: number;
  warmup: { requests: number; errors: number };
  requests: number;
  errors: number;
  errorRate: number;
  networkErrors: number;
  errorStatuses: Record<string, number>;
  firstErrors: string[];
  throughputRps: number;
  latencyMs: LatencySummary;
  /** Percent of one core per process during the measured window. */
  cpuPercent: Record<string, number>;
}

interface PhaseSpec {
  name: string;
  description: string;
  target: Target;
  method: string;
  path: string;
  plan: (sequence: number) => PlannedRequest;
  onSuccess?: (response: Response) => void;
}

/** One measured window of a phase, with the CPU each process used during it. */
interface MeasuredWindow extends LoadWindow {
  cpuSeconds: Record<string, number>;
}

/** Runs phases: each keeps its request sequence and its windows across calls of `measure`. */
class PhaseRunner {
  private readonly sequences = new Map<string, number>();
  private readonly windows = new Map<string, MeasuredWindow[]>();
  private readonly warmups = new Map<string, { requests: number; errors: number }>();

  constructor(
    private readonly options: Options,
    private readonly processes: RunningProcess[],
  ) {}

  /** Measures `durationS` of the phase; its first window is preceded by the warm-up. */
  async measure(spec: PhaseSpec, durationS: number): Promise<void> {
    const nextRequest = () => {
      const sequence = this.sequences.get(spec.name) ?? 0;
      this.sequences.set(spec.name, sequence + 1);
      return spec.plan(sequence);
    };
    // The warm-up also opens the keep-alive connections, so the measured windows never pay for
    // TCP handshakes, and lets V8 optimise the hot paths of every process involved.
    if (!this.warmups.has(spec.name)) {
      let warmup = { requests: 0, errors: 0 };
      if (this.options.warmupS > 0) {
        progress(`${spec.name}: warm-up ${this.options.warmupS}s`);
        const window = await runLoad(spec.target, this.options.connections, this.options.warmupS * 1000, nextRequest, spec.onSuccess);
        warmup = { requests: window.requests, errors: window.errors };
      }
      this.warmups.set(spec.name, warmup);
    }
    const before = cpuSnapshot(this.processes);
    const window = await runLoad(spec.target, this.options.connections, durationS * 1000, nextRequest, spec.onSuccess);
    const after = cpuSnapshot(this.processes);
    const cpuSeconds = Object.fromEntries(
      Object.entries(before).flatMap(([name, start]) =>
        start !== undefined && after[name] !== undefined ? [[name, after[name]! - start]] : [],
      ),
    );
    this.failIfAnyExited(spec.name);
    this.windows.set(spec.name, [...(this.windows.get(spec.name) ?? []), { ...window, cpuSeconds }]);
  }

  /** A phase measured in one window. */
  async run(spec: PhaseSpec): Promise<PhaseResult> {
    progress(
      `${spec.name}: measuring ${this.options.durationS}s with ${this.options.connections} connections (${spec.method} ${spec.path})`,
    );
    await this.measure(spec, this.options.durationS);
    return this.result(spec);
  }

  /**
   * A floor phase and its gateway phase, taking turns in rounds that share the measured time
   * (floor first in odd rounds, gateway first in even ones): a machine that slows down or speeds
   * up during the run affects both alike, so their ratio holds still.
   */
  async runPaired(floor: PhaseSpec, gateway: PhaseSpec): Promise<[PhaseResult, PhaseResult]> {
    const { rounds, durationS, connections } = this.options;
    progress(`${floor.name} / ${gateway.name}: ${rounds} rounds of ${(durationS / rounds).toFixed(1)}s each, ${connections} connections`);
    for (let round = 0; round < rounds; round += 1) {
      const order = round % 2 === 0 ? [floor, gateway] : [gateway, floor];
      for (const spec of order) await this.measure(spec, durationS / rounds);
    }
    return [this.result(floor), this.result(gateway)];
  }

  // A server that died mid-phase turns every later request into a 503; name the real cause.
  private failIfAnyExited(phase: string): void {
    for (const proc of this.processes) {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null) {
        throw new Error(
          `${proc.name} exited (${proc.child.signalCode ?? `code ${proc.child.exitCode}`}) during ${phase}; its last output:\n${proc.output().slice(-4000)}`,
        );
      }
    }
  }

  private result(spec: PhaseSpec): PhaseResult {
    const windows = this.windows.get(spec.name) ?? [];
    const sum = (of: (window: MeasuredWindow) => number) => windows.reduce((total, window) => total + of(window), 0);
    const elapsedS = sum((window) => window.elapsedS);
    const requests = sum((window) => window.requests);
    const errors = sum((window) => window.errors);
    const errorStatuses: Record<string, number> = {};
    const cpuSeconds: Record<string, number> = {};
    for (const window of windows) {
      for (const [status, count] of Object.entries(window.errorStatuses)) errorStatuses[status] = (errorStatuses[status] ?? 0) + count;
      for (const [name, seconds] of Object.entries(window.cpuSeconds)) cpuSeconds[name] = (cpuSeconds[name] ?? 0) + seconds;
    }
    const latencies = new Float64Array(sum((window) => window.latencies.length));
    windows.reduce((offset, window) => (latencies.set(window.latencies, offset), offset + window.latencies.length), 0);
    const result: PhaseResult = {
      name: spec.name,
      description: spec.description,
      method: spec.method,
      path: spec.path,
      durationS: Math.round(elapsedS * 1000) / 1000,
      windows: windows.length,
      connections: this.options.connections,
      warmup: this.warmups.get(spec.name) ?? { requests: 0, errors: 0 },
      requests,
      errors,
      errorRate: requests ? errors / requests : 1,
      networkErrors: sum((window) => window.networkErrors),
      errorStatuses,
      firstErrors: windows.flatMap((window) => window.firstErrors).slice(0, 5),
      throughputRps: Math.round((requests / elapsedS) * 10) / 10,
      latencyMs: summarize(latencies),
      cpuPercent: Object.fromEntries(Object.entries(cpuSeconds).map(([name, seconds]) => [name, Math.round((seconds / elapsedS) * 100)])),
    };
    progress(
      `${spec.name}: ${result.requests} requests, ${result.errors} errors, ${result.throughputRps} req/s, p50 ${result.latencyMs.p50} ms, p99 ${result.latencyMs.p99} ms`,
    );
    return result;
  }
}

// ---------------------------------------------------------------------------------------------
// workload

// Realistic customer names: Chinese city + trade name + industry + legal form, then a run tag and
// a sequence number so that every name is unique across warm-up, phases and runs.
const CITIES = ['上海', '北京', '深圳', '杭州', '苏州', '南京', '广州', '成都', '武汉', '宁波'];
const TRADE_NAMES = ['华东', '恒通', '瑞丰', '鼎盛', '宏达', '新纪元', '金桥', '远航', '天成', '嘉禾'];
const INDUSTRIES = ['精密机械', '电子科技', '贸易', '新材料', '物流', '医疗器械', '软件', '食品', '化工', '纺织'];

function createBody(runTag: string, sequence: number): Buffer {
  const pick = (list: string[], salt: number) => list[(sequence * salt + salt) % list.length];
  const name = `${pick(CITIES, 7)}${pick(TRADE_NAMES, 3)}${pick(INDUSTRIES, 11)}有限公司 ${runTag}-${String(sequence).padStart(6, '0')}`;
  const phone = `+86 21-${String(60_000_000 + (sequence % 40_000_000)).replace(/^(\d{4})/, '$1 ')}`;
  return Buffer.from(JSON.stringify({ name, kind: 'company', phone }), 'utf8');
}

// ---------------------------------------------------------------------------------------------
// processes

/** Starts from an empty database every run, so the table size (and so the numbers) do not drift. */
async function freshDatabase(name: string): Promise<string> {
  const admin = new Client({ connectionString: stack.postgresUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
  return ensureDatabase(name);
}

async function startCustomerService(
  databaseUrl: string,
  topicPrefix: string,
  track: (proc: RunningProcess) => void,
): Promise<{ proc: RunningProcess; grpcPort: number }> {
  const [grpcPort, adminPort] = [await freePort(), await freePort()];
  const proc = startProcess(
    'customer',
    path.join(repoRoot, 'services/customer/dist/main.js'),
    {
      SERVICE_NAME: 'customer',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
      GRPC_PORT: String(grpcPort),
      HTTP_PORT: String(adminPort),
      LOG_LEVEL: 'warn',
      // The floor has none of these: nothing but the requests works during a phase.
      PROJECTIONS_ENABLED: 'false',
      POOL_RULE_INTERVAL_MS: '0',
      ALERT_CHECK_INTERVAL_MS: '0',
      VALUE_RESCORE_INTERVAL_MS: '0',
    },
    serverNodeArgs,
  );
  track(proc);
  await waitUntilReady(proc, `http://127.0.0.1:${adminPort}/readyz`);
  return { proc, grpcPort };
}

async function startGateway(
  customerGrpcPort: number,
  topicPrefix: string,
  track: (proc: RunningProcess) => void,
): Promise<{ proc: RunningProcess; port: number }> {
  const port = await freePort();
  const proc = startProcess(
    'gateway',
    path.join(repoRoot, 'gateway/dist/main.js'),
    {
      SERVICE_NAME: 'gateway',
      HTTP_PORT: String(port),
      PUBLIC_URL: `http://localhost:${port}`,
      CUSTOMER_GRPC_ADDR: `127.0.0.1:${customerGrpcPort}`,
      DATABASE_URL: await freshDatabase(GATEWAY_DATABASE),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      OIDC_ISSUER: stack.issuer,
      LOG_LEVEL: 'warn',
      // Rate limits on, as in production, but out of the bench's reach: their cost is measured.
      RATE_LIMIT_PER_USER: '1000000000',
      RATE_LIMIT_PER_CLIENT: '1000000000',
    },
    serverNodeArgs,
  );
  track(proc);
  await waitUntilReady(proc, `http://127.0.0.1:${port}/readyz`);
  return { proc, port };
}

async function startFloorServer(
  databaseUrl: string,
  topicPrefix: string,
  track: (proc: RunningProcess) => void,
): Promise<{ proc: RunningProcess; port: number }> {
  const port = await freePort();
  const proc = startProcess(
    'floor',
    path.join(__dirname, 'floor-server.mjs'),
    {
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      OIDC_ISSUER: stack.issuer,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: topicPrefix,
    },
    serverNodeArgs,
  );
  track(proc);
  await waitUntilReady(proc, `http://127.0.0.1:${port}/readyz`);
  return { proc, port };
}

/** Waits until the relay published every outbox row, so that a phase does not pay for the last one's events. */
async function outboxPublished(databaseUrl: string): Promise<void> {
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    for (let waited = 0; waited < 60_000; waited += 200) {
      const { rows } = await db.query<{ left: string }>('SELECT count(*) AS left FROM outbox WHERE published_at IS NULL');
      if (rows[0].left === '0') return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error('the outbox relay did not catch up within 60 s');
  } finally {
    await db.end();
  }
}

async function startBareServer(getBody: string, track: (proc: RunningProcess) => void): Promise<{ proc: RunningProcess; port: number }> {
  const port = await freePort();
  const proc = startProcess(
    'bare',
    path.join(__dirname, 'bare-http-server.mjs'),
    { PORT: String(port), BARE_GET_BODY: getBody },
    serverNodeArgs,
  );
  track(proc);
  await waitUntilReady(proc, `http://127.0.0.1:${port}/readyz`);
  return { proc, port };
}

function tokenExpiresAt(token: string): number {
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number };
  return claims.exp * 1000;
}

// ---------------------------------------------------------------------------------------------
// report

interface Ratio {
  gateway: string;
  baseline: string;
  /** gateway req/s over bare req/s: 0.1 means the gateway path serves a tenth of the bare rate. */
  throughput: number;
  /** gateway latency over bare latency: 10 means ten times slower. */
  p50Latency: number;
  p99Latency: number;
}

function ratioOf(gateway: PhaseResult, baseline: PhaseResult): Ratio {
  const round = (value: number) => Math.round(value * 1000) / 1000;
  return {
    gateway: gateway.name,
    baseline: baseline.name,
    throughput: round(gateway.throughputRps / baseline.throughputRps),
    p50Latency: round(gateway.latencyMs.p50 / baseline.latencyMs.p50),
    p99Latency: round(gateway.latencyMs.p99 / baseline.latencyMs.p99),
  };
}

interface Goal {
  what: string;
  measured: string;
  met: boolean;
}

/** The platform issue's targets: the gateway's own cost against the floor of the same run. */
function targetsOf(ratios: Ratio[]): Goal[] {
  const of = (gateway: string) => ratios.find((ratio) => ratio.gateway === gateway && ratio.baseline.startsWith('floor'))!;
  const [get, create] = [of('get'), of('create')];
  return [
    { what: 'GET throughput >= 0.5x the floor', measured: `${get.throughput.toFixed(3)}x`, met: get.throughput >= 0.5 },
    { what: 'POST throughput >= 0.7x the floor', measured: `${create.throughput.toFixed(3)}x`, met: create.throughput >= 0.7 },
    { what: 'GET p99 <= 3x the floor', measured: `${get.p99Latency.toFixed(2)}x`, met: get.p99Latency <= 3 },
    { what: 'POST p99 <= 3x the floor', measured: `${create.p99Latency.toFixed(2)}x`, met: create.p99Latency <= 3 },
  ];
}

function table(rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => (rightAligned(column) ? cell.padStart(widths[column]) : cell.padEnd(widths[column])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function render(phases: PhaseResult[], ratios: Ratio[], facts: { machine: string; parameters: string }): string {
  const ms = (value: number) => (Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(2) : value.toFixed(1));
  const phaseRows = [
    ['phase', 'request', 'requests', 'errors', 'req/s', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'cpu % (one core = 100)'],
    ...phases.map((phase) => [
      phase.name,
      `${phase.method} ${phase.path}`,
      String(phase.requests),
      `${phase.errors} (${(phase.errorRate * 100).toFixed(2)}%)`,
      phase.throughputRps.toFixed(1),
      ms(phase.latencyMs.p50),
      ms(phase.latencyMs.p90),
      ms(phase.latencyMs.p99),
      ms(phase.latencyMs.max),
      Object.entries(phase.cpuPercent)
        .map(([name, percent]) => `${name} ${percent}`)
        .join(', '),
    ]),
  ];
  const ratioRows = [
    ['ratio (same run)', 'throughput', 'p50 latency', 'p99 latency'],
    ...ratios.map((ratio) => [
      `${ratio.gateway} / ${ratio.baseline}`,
      `${ratio.throughput.toFixed(3)}x`,
      `${ratio.p50Latency.toFixed(1)}x`,
      `${ratio.p99Latency.toFixed(1)}x`,
    ]),
  ];
  return [
    '',
    `${BENCH_NAME}: ${facts.parameters}`,
    facts.machine,
    '',
    table(phaseRows, (column) => column >= 2 && column <= 8),
    '',
    table(ratioRows, (column) => column >= 1),
    '',
  ].join('\n');
}

// ---------------------------------------------------------------------------------------------
// main

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (options.profileDir) {
    mkdirSync(options.profileDir, { recursive: true });
    serverNodeArgs = ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`];
  }
  const startedAt = new Date();
  const loadAverageAtStart = os.loadavg().map((load) => Math.round(load * 100) / 100);
  const runTag = startedAt.toISOString().replace(/[-:]/g, '').slice(2, 15); // e.g. 250101T120000
  const started: RunningProcess[] = [];
  const agents: http.Agent[] = [];

  // Stop what we started on Ctrl-C or kill, too: the finally block below does not run then.
  // Memoised: the signal handler and the finally block may both ask, and both must wait.
  let stopping: Promise<void> | undefined;
  const stopAll = () => (stopping ??= stopEverything());
  const stopEverything = async () => {
    for (const agent of agents) agent.destroy();
    // In parallel: no load is running any more, and each service spends several seconds in its
    // shutdown steps (telemetry flush), which would otherwise add up.
    await Promise.all(
      started.map(async (proc) => {
        const began = performance.now();
        const code = await proc.stop('SIGTERM').catch(() => undefined);
        progress(`${proc.name} stopped (exit ${code ?? proc.child.signalCode ?? '?'}, ${Math.round(performance.now() - began)} ms)`);
      }),
    );
  };
  for (const [signal, exitCode] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const) {
    process.once(signal, () => {
      progress(`${signal}: stopping the processes this bench started`);
      void stopAll().finally(() => process.exit(exitCode));
    });
  }

  try {
    progress('ensuring the local stack is up (scripts/stack up)');
    await runCommand('bash', [path.join(repoRoot, 'scripts/stack'), 'up']);
    if (options.skipBuild) {
      progress('skipping the build (--skip-build)');
    } else {
      progress('building @liaison/customer and @liaison/gateway with their libs (nx, cached when unchanged)');
      await runCommand('npx', ['nx', 'run-many', '-t', 'build', '--projects=@liaison/customer,@liaison/gateway']);
    }

    progress(`recreating database ${BENCH_DATABASE}`);
    const databaseUrl = await freshDatabase(BENCH_DATABASE);
    progress('starting the customer service');
    // Tracked from spawn on, not from readiness, so that a failed or interrupted start still stops it.
    const track = (proc: RunningProcess) => void started.push(proc);
    // Topics of the run's own: the platform's consumers never see the bench's events.
    const topicPrefix = `bench-${runTag.toLowerCase()}-`;
    const customer = await startCustomerService(databaseUrl, topicPrefix, track);
    progress(`customer service ready (gRPC 127.0.0.1:${customer.grpcPort})`);
    progress('starting the gateway');
    const gateway = await startGateway(customer.grpcPort, topicPrefix, track);
    progress(`gateway ready (http://127.0.0.1:${gateway.port})`);

    const token = await userToken(BENCH_USER).catch((error: Error) => {
      // fetch hides the reason (refused, reset, ...) in error.cause.
      throw new Error(
        `no token for ${BENCH_USER} from ${stack.tokenUrl}: ${error.message}${error.cause ? ` (${String(error.cause)})` : ''}`,
      );
    });
    const phaseCount = 6;
    const plannedMs = phaseCount * (options.warmupS + options.durationS) * 1000 + 60_000;
    if (tokenExpiresAt(token) < Date.now() + plannedMs) {
      throw new Error(
        `the access token of ${BENCH_USER} expires before the run ends (${Math.round(plannedMs / 1000)} s planned); shorten --duration/--warmup`,
      );
    }
    progress(`token for ${BENCH_USER} obtained (valid ${Math.round((tokenExpiresAt(token) - Date.now()) / 1000)} s)`);

    // Every target gets its own pool of exactly `connections` keep-alive sockets.
    const agentFor = () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections, maxFreeSockets: options.connections });
      agents.push(agent);
      return agent;
    };
    const gatewayTarget: Target = {
      label: 'gateway',
      port: gateway.port,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
      agent: agentFor(),
    };

    // One real customer, read back through the gateway: its JSON is what the bare server answers
    // to GET, so both GET phases move the same number of bytes.
    const sample = await send(gatewayTarget, { method: 'POST', path: '/api/v1/customers', body: createBody(`${runTag}s`, 0) });
    if (sample.status !== 201) throw new Error(`creating a sample customer failed: ${sample.status} ${sample.body.toString('utf8')}`);
    const sampleId = (JSON.parse(sample.body.toString('utf8')) as { id: string }).id;
    const sampleRead = await send(gatewayTarget, { method: 'GET', path: `/api/v1/customers/${sampleId}` });
    if (sampleRead.status !== 200)
      throw new Error(`reading the sample customer failed: ${sampleRead.status} ${sampleRead.body.toString('utf8')}`);
    const customerJson = sampleRead.body.toString('utf8');

    progress('starting the bare node:http server');
    const bare = await startBareServer(customerJson, track);
    progress(`bare server ready (http://127.0.0.1:${bare.port})`);
    const bareTarget: Target = { label: 'bare', port: bare.port, headers: { accept: 'application/json' }, agent: agentFor() };
    progress('starting the floor server');
    const floor = await startFloorServer(databaseUrl, topicPrefix, track);
    progress(`floor server ready (http://127.0.0.1:${floor.port})`);
    const floorTarget: Target = { ...gatewayTarget, label: 'floor', port: floor.port, agent: agentFor() };
    const settled = () => outboxPublished(databaseUrl);

    const createdIds: string[] = [];
    const runner = new PhaseRunner(options, started);
    const phases: PhaseResult[] = [];
    // Bare phases first, so the gateway phases cannot leave work behind (outbox relay, autovacuum)
    // that would slow down the baseline.
    phases.push(
      await runner.run({
        name: 'bare-get',
        description: 'bare node:http server answering a customer-sized JSON body',
        target: bareTarget,
        method: 'GET',
        path: '/customers/{id}',
        plan: () => ({ method: 'GET', path: `/customers/${sampleId}` }),
      }),
    );
    phases.push(
      await runner.run({
        name: 'bare-post',
        description: 'bare node:http server echoing the create body',
        target: bareTarget,
        method: 'POST',
        path: '/customers',
        plan: (sequence) => ({ method: 'POST', path: '/customers', body: createBody(`${runTag}b`, sequence) }),
      }),
    );
    await settled();
    phases.push(
      ...(await runner.runPaired(
        {
          name: 'floor-post',
          description: 'create a customer on the floor: node:http + jose + the service handler on PostgreSQL (+ outbox)',
          target: floorTarget,
          method: 'POST',
          path: '/api/v1/customers',
          plan: (sequence) => ({ method: 'POST', path: '/api/v1/customers', body: createBody(`${runTag}f`, sequence) }),
        },
        {
          name: 'create',
          description: 'create a customer: gateway -> gRPC -> customer service -> PostgreSQL (+ outbox)',
          target: gatewayTarget,
          method: 'POST',
          path: '/api/v1/customers',
          plan: (sequence) => ({ method: 'POST', path: '/api/v1/customers', body: createBody(runTag, sequence) }),
          onSuccess: (response) => createdIds.push((JSON.parse(response.body.toString('utf8')) as { id: string }).id),
        },
      )),
    );
    if (createdIds.length === 0) throw new Error('the create phase created no customers, nothing to read');
    progress(`${createdIds.length} customers created (warm-up included); reading them round-robin`);
    await settled();
    const readOne = (sequence: number): PlannedRequest => ({
      method: 'GET',
      path: `/api/v1/customers/${createdIds[sequence % createdIds.length]}`,
    });
    phases.push(
      ...(await runner.runPaired(
        {
          name: 'floor-get',
          description: 'read a customer by id on the floor: node:http + jose + the service handler on PostgreSQL',
          target: floorTarget,
          method: 'GET',
          path: '/api/v1/customers/{id}',
          plan: readOne,
        },
        {
          name: 'get',
          description: 'read a customer by id: gateway -> gRPC -> customer service -> PostgreSQL',
          target: gatewayTarget,
          method: 'GET',
          path: '/api/v1/customers/{id}',
          plan: readOne,
        },
      )),
    );

    const byName = (name: string) => phases.find((phase) => phase.name === name)!;
    const ratios = [
      ratioOf(byName('create'), byName('floor-post')),
      ratioOf(byName('get'), byName('floor-get')),
      ratioOf(byName('floor-post'), byName('bare-post')),
      ratioOf(byName('floor-get'), byName('bare-get')),
      ratioOf(byName('create'), byName('bare-post')),
      ratioOf(byName('get'), byName('bare-get')),
    ];
    const targets = targetsOf(ratios);
    const failures = phases
      .filter((phase) => phase.errorRate > MAX_ERROR_RATE)
      .map(
        (phase) =>
          `${phase.name}: ${(phase.errorRate * 100).toFixed(2)}% errors (limit ${MAX_ERROR_RATE * 100}%); first: ${phase.firstErrors[0] ?? '-'}`,
      );

    // With one event loop the generator saturates a core before a bare server does; say so, since
    // it makes the bare numbers (and so the ratios) a conservative lower bound.
    const notes = phases
      .filter((phase) => (phase.cpuPercent.loadgen ?? 0) >= LOADGEN_SATURATED_PERCENT)
      .map(
        (phase) =>
          `${phase.name}: the load generator used ${phase.cpuPercent.loadgen}% of a core, so it limited the rate; the server could do more`,
      );

    const cpus = os.cpus();
    const machine = {
      cpus: cpus.length,
      cpuModel: cpus[0]?.model ?? 'unknown',
      memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      // Other work on the machine skews every number; the 1-minute value is the one to check.
      loadAverageAtStart,
      loadAverageAtEnd: os.loadavg().map((load) => Math.round(load * 100) / 100),
    };
    const parameters = {
      durationS: options.durationS,
      warmupS: options.warmupS,
      rounds: options.rounds,
      connections: options.connections,
      user: BENCH_USER,
      database: BENCH_DATABASE,
      createBodyBytes: createBody(runTag, 0).length,
      getBodyBytes: Buffer.byteLength(customerJson),
      loadGenerator: 'closed loop in the bench process, node:http Agent keepAlive, one socket per connection',
      maxErrorRate: MAX_ERROR_RATE,
    };
    const report = {
      benchmark: BENCH_NAME,
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      git: gitFacts(),
      machine,
      parameters,
      phases,
      ratios,
      targets,
      ok: failures.length === 0,
      failures,
      notes,
    };

    const resultsDir = path.join(repoRoot, 'bench-results');
    mkdirSync(resultsDir, { recursive: true });
    const stamp = startedAt
      .toISOString()
      .replace(/:/g, '-')
      .replace(/\.\d+Z$/, 'Z'); // ':' is not portable in file names
    const resultFile = path.join(resultsDir, `${BENCH_NAME}-${stamp}.json`);
    const json = `${JSON.stringify(report, null, 2)}\n`;
    writeFileSync(resultFile, json);
    writeFileSync(path.join(resultsDir, `${BENCH_NAME}-latest.json`), json);

    console.log(
      render(phases, ratios, {
        machine: `machine: ${machine.cpus} cpus (${machine.cpuModel}), ${machine.memoryGb} GB, node ${machine.node}, ${machine.platform}`,
        parameters: `${options.durationS}s per phase after ${options.warmupS}s warm-up (floor and gateway phases in ${options.rounds} alternating rounds), ${options.connections} keep-alive connections`,
      }),
    );
    for (const target of targets) console.log(`target ${target.met ? 'met' : 'MISSED'}: ${target.what} (${target.measured})`);
    for (const note of notes) console.log(`note: ${note}`);
    progress(`results: ${path.relative(repoRoot, resultFile)} (and ${BENCH_NAME}-latest.json)`);
    for (const failure of failures) console.error(`[bench] FAILED ${failure}`);
    return failures.length === 0 ? 0 : 1;
  } finally {
    progress('stopping the processes this bench started');
    await stopAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`[bench] error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
