import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  containerSpecs,
  startContainerStack,
  stateFilePath,
  stackMode,
  stopContainerStack,
  type CommandRunner,
  type Component,
  type ContainerSpec,
} from './containers';
import { makeStackCommand, repoRoot } from './stack';

// Everything here runs without a Docker engine: docker calls go to a recording fake runner.

/** Records every call; answers `docker inspect`/`logs` the way a stopped Kafka container would. */
function fakeDocker(answers: { running?: string; ps?: string } = {}) {
  const calls: string[][] = [];
  const run: CommandRunner = async (file, args) => {
    calls.push([file, ...args]);
    const [command] = args;
    if (command === 'inspect') {
      const stdout = args.includes('{{.State.Running}}') ? (answers.running ?? 'false') : '2030-01-01T00:00:00.000000000Z';
      return { stdout: `${stdout}\n`, stderr: '' };
    }
    if (command === 'logs')
      return { stdout: '', stderr: '[KafkaRaftServer nodeId=1] Kafka Server started (kafka.server.KafkaRaftServer)\n' };
    if (command === 'ps') return { stdout: answers.ps ?? '', stderr: '' };
    return { stdout: `${args.at(-1)}\n`, stderr: '' };
  };
  return { calls, run, dockerCalls: () => calls.filter(([file]) => file === 'docker').map((call) => call.slice(1)) };
}

let stateDir: string;
beforeEach(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'liaison-tc-'));
});
afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

const ids: Record<Component, string> = { postgres: 'pg-id', kafka: 'kafka-id', keycloak: 'kc-id', ferretdb: 'fdb-id' };
async function recordContainers(): Promise<NodeJS.ProcessEnv> {
  const env = { LIAISON_STACK: 'testcontainers', LIAISON_STATE: stateDir };
  await writeFile(stateFilePath(env), JSON.stringify({ containers: ids }));
  return env;
}

describe('stack mode selection (LIAISON_STACK)', () => {
  it('defaults to the local stack', () => {
    expect(stackMode({})).toBe('local');
    expect(stackMode({ LIAISON_STACK: '' })).toBe('local');
  });

  it('selects testcontainers explicitly', () => {
    expect(stackMode({ LIAISON_STACK: 'testcontainers' })).toBe('testcontainers');
    expect(stackMode({ LIAISON_STACK: 'local' })).toBe('local');
  });

  it('rejects an unknown mode with a clear error instead of guessing', () => {
    expect(() => stackMode({ LIAISON_STACK: 'docker' })).toThrow('LIAISON_STACK must be one of local, testcontainers, not "docker"');
  });

  it('keeps the state file under LIAISON_STATE', () => {
    expect(stateFilePath({ LIAISON_STATE: '/x/state' })).toBe('/x/state/testcontainers.json');
    expect(stateFilePath({})).toBe(path.join(os.homedir(), '.local/state/liaison/testcontainers.json'));
  });
});

describe('container definitions', () => {
  const specs = containerSpecs(repoRoot);
  const spec = (component: Component): ContainerSpec => specs.find((s) => s.component === component)!;

  it('uses the agreed images, one per component', () => {
    expect(Object.fromEntries(specs.map((s) => [s.component, s.image]))).toEqual({
      postgres: 'postgres:15',
      kafka: 'apache/kafka:3.9.1',
      keycloak: 'quay.io/keycloak/keycloak:26.4',
      ferretdb: 'ghcr.io/ferretdb/ferretdb:1',
    });
  });

  it('binds the same fixed host ports as scripts/stack', () => {
    expect(Object.fromEntries(specs.map((s) => [s.component, s.ports]))).toEqual({
      postgres: [{ container: 5432, host: 5432 }],
      kafka: [{ container: 9092, host: 9092 }],
      keycloak: [
        { container: 8180, host: 8180 },
        { container: 9000, host: 9180 },
      ],
      ferretdb: [{ container: 27017, host: 27017 }],
    });
  });

  it('labels every container so leftovers can be found', () => {
    for (const s of specs) expect(s.labels).toEqual({ 'org.liaison.stack': 'testcontainers', 'org.liaison.component': s.component });
  });

  it('creates the liaison role and the three databases in PostgreSQL', () => {
    const postgres = spec('postgres');
    expect(postgres.environment).toMatchObject({ POSTGRES_USER: 'liaison', POSTGRES_PASSWORD: 'liaison' });
    const init = postgres.contents.find((c) => c.target.startsWith('/docker-entrypoint-initdb.d/'))!;
    for (const db of ['customer', 'sales_pipeline', 'analytics']) expect(init.content).toContain(`CREATE DATABASE ${db} `);
  });

  it('runs Kafka as a KRaft single node advertising 127.0.0.1:9092', () => {
    const env = spec('kafka').environment;
    expect(env).toMatchObject({
      KAFKA_PROCESS_ROLES: 'broker,controller',
      KAFKA_ADVERTISED_LISTENERS: 'PLAINTEXT://127.0.0.1:9092',
      KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9093',
      KAFKA_NUM_PARTITIONS: '3',
      KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'true',
    });
    const factors = Object.entries(env).filter(([key]) => key.endsWith('_REPLICATION_FACTOR'));
    expect(factors.length).toBeGreaterThanOrEqual(3);
    expect(factors.every(([, value]) => value === '1')).toBe(true);
  });

  it('imports the realm into Keycloak with the issuer of the local stack', () => {
    const keycloak = spec('keycloak');
    expect(keycloak.command).toEqual(
      expect.arrayContaining(['start-dev', '--import-realm', '--http-port=8180', '--hostname=http://localhost:8180']),
    );
    expect(keycloak.files).toEqual([
      { source: path.join(repoRoot, 'deploy/keycloak/liaison-realm.json'), target: '/opt/keycloak/data/import/liaison-realm.json' },
    ]);
    expect(existsSync(keycloak.files[0].source)).toBe(true);
    expect(keycloak.readiness).toEqual({ kind: 'http', port: 8180, path: '/realms/liaison/.well-known/openid-configuration' });
  });

  it('waits for each component in a way that also works after a docker start', () => {
    expect(spec('kafka').readiness).toEqual({ kind: 'log', text: 'Kafka Server started' });
    expect(spec('ferretdb').readiness).toEqual({ kind: 'log', text: 'Listening on TCP' });
    expect(spec('postgres').readiness).toMatchObject({ kind: 'command', command: expect.stringContaining('pg_isready -h 127.0.0.1') });
  });
});

describe('stackCommand dispatch', () => {
  it('runs scripts/stack by default', async () => {
    const docker = fakeDocker();
    await makeStackCommand({ env: {}, run: docker.run })('down', 'kafka');
    expect(docker.calls).toEqual([['bash', path.join(repoRoot, 'scripts/stack'), 'down', 'kafka']]);
  });

  it('maps "down kafka" to docker stop on the recorded Kafka container', async () => {
    const docker = fakeDocker();
    await makeStackCommand({ env: await recordContainers(), run: docker.run })('down', 'kafka');
    expect(docker.calls).toEqual([['docker', 'stop', 'kafka-id']]);
  });

  it('maps "up kafka" to docker start and waits for the broker of this run', async () => {
    const docker = fakeDocker();
    await makeStackCommand({ env: await recordContainers(), run: docker.run })('up', 'kafka');
    expect(docker.dockerCalls()).toEqual([
      ['inspect', '--format', '{{.State.Running}}', 'kafka-id'],
      ['start', 'kafka-id'],
      ['inspect', '--format', '{{.State.StartedAt}}', 'kafka-id'],
      ['logs', '--since', '2030-01-01T00:00:00.000000000Z', 'kafka-id'],
    ]);
  });

  it('leaves a running container alone on "up", like scripts/stack', async () => {
    const docker = fakeDocker({ running: 'true' });
    await makeStackCommand({ env: await recordContainers(), run: docker.run })('up', 'kafka');
    expect(docker.dockerCalls()).toEqual([['inspect', '--format', '{{.State.Running}}', 'kafka-id']]);
  });

  it('stops every component when none is named', async () => {
    const docker = fakeDocker();
    await makeStackCommand({ env: await recordContainers(), run: docker.run })('down');
    expect(docker.calls).toEqual([['docker', 'stop', 'pg-id', 'kafka-id', 'kc-id', 'fdb-id']]);
  });

  it('explains what to do when no container stack was started', async () => {
    const docker = fakeDocker();
    const env = { LIAISON_STACK: 'testcontainers', LIAISON_STATE: stateDir };
    await expect(makeStackCommand({ env, run: docker.run })('down', 'kafka')).rejects.toThrow(
      /no container stack recorded .*stack-cli\.ts up/,
    );
    expect(docker.calls).toEqual([]);
  });

  it('rejects unknown components and verbs the container mode cannot do', async () => {
    const command = makeStackCommand({ env: await recordContainers(), run: fakeDocker().run });
    await expect(command('down', 'zookeeper')).rejects.toThrow(/unknown stack component\(s\) zookeeper/);
    await expect(command('reset', 'kafka')).rejects.toThrow(/not available with LIAISON_STACK=testcontainers/);
  });
});

describe('starting and stopping the container stack', () => {
  it('fails with our "no Docker engine" error when the runtime check fails, touching nothing', async () => {
    const docker = fakeDocker();
    const probe = () => Promise.reject(new Error('Could not find a working container runtime strategy'));
    const start = startContainerStack({ repoRoot, env: { LIAISON_STATE: stateDir }, run: docker.run, probe });
    await expect(start).rejects.toThrow(/^no Docker engine found: LIAISON_STACK=testcontainers needs a running Docker engine/);
    expect(docker.calls).toEqual([]);
  });

  // Only where there really is no engine (as on this project's machines): elsewhere this would start containers.
  const noDockerEngine =
    !process.env.DOCKER_HOST &&
    !existsSync('/var/run/docker.sock') &&
    spawnSync('docker', ['info'], { stdio: 'ignore', timeout: 20_000 }).status !== 0;
  (noDockerEngine ? it : it.skip)(
    "fails with that error through testcontainers' own runtime discovery",
    async () => {
      const docker = fakeDocker();
      const start = startContainerStack({ repoRoot, env: { LIAISON_STATE: stateDir }, run: docker.run });
      await expect(start).rejects.toThrow(/^no Docker engine found: .*Docker/);
      expect(docker.calls).toEqual([]);
      expect(existsSync(stateFilePath({ LIAISON_STATE: stateDir }))).toBe(false);
    },
    30_000,
  );

  it('removes every labelled container and the state file on stop', async () => {
    const env = await recordContainers();
    const docker = fakeDocker({ ps: 'aaa\nbbb\n' });
    await expect(stopContainerStack({ env, run: docker.run })).resolves.toEqual(['aaa', 'bbb']);
    expect(docker.dockerCalls()).toEqual([
      ['ps', '--all', '--quiet', '--filter', 'label=org.liaison.stack=testcontainers'],
      ['rm', '--force', '--volumes', 'aaa', 'bbb'],
    ]);
    await expect(readFile(stateFilePath(env))).rejects.toThrow(/ENOENT/);
  });
});
