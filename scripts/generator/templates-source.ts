import type { ServiceNames } from './names';

// The source of a generated service: the same inner layout as every service (entry, config,
// grpc, domain, persistence, events, jobs, projections, tests), with one working vertical slice
// (settings) that shows each layer's job. Where PostgreSQL and MongoDB differ, the store decides.

const pg = (n: ServiceNames) => n.store === 'postgres';

export function mainTs(n: ServiceNames): string {
  return `import { serviceMain } from '@liaison/runtime/telemetry';
serviceMain('${n.name}', () => import('./app').then((app) => app.start${n.pascal}Service()));
`;
}

export function configTs(n: ServiceNames): string {
  const settings = pg(n) ? 'postgresServiceSettings' : 'mongoServiceSettings';
  return `import { ${settings} } from '@liaison/platform';
import { loadConfigOrExit } from '@liaison/runtime';

// What the ${n.name} service reads from its environment: the platform's settings for a
// ${pg(n) ? 'PostgreSQL' : 'MongoDB'} service, then its own (none yet).
export const settings = {
  ...${settings},
};

export type ${n.pascal}Config = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit(settings, source);
}
`;
}

export function appTs(n: ServiceNames): string {
  const start = pg(n) ? 'startPostgresService' : 'startMongoService';
  const storeLines = pg(n)
    ? `    migrationScope: '${n.name}',
    migrations: loadSqlMigrations(path.resolve(__dirname, '../migrations')),
    apis: (grpc, { pool }) => add${n.pascal}Apis(grpc, { pool }),
    projections: () => ${n.camel}Projections(),`
    : `    models: (connection) => [settingModel(connection)],
    apis: (grpc, { connection }) => add${n.pascal}Apis(grpc, { connection }),`;
  const imports = pg(n)
    ? `import path from 'node:path';
import { Topics } from '@liaison/contracts';
import { ${start}, type RunningService } from '@liaison/platform';
import { loadSqlMigrations } from '@liaison/runtime';
import { loadConfig, type ${n.pascal}Config } from './config';
import { add${n.pascal}Apis, ${n.envPrefix}_PROTO_FILES, type ${n.pascal}Apis } from './grpc/${n.name}-apis';
import { ${n.camel}Jobs } from './jobs/${n.name}-jobs';
import { ${n.camel}Projections } from './projections/${n.name}-projections';`
    : `import { Topics } from '@liaison/contracts';
import { ${start}, type RunningService } from '@liaison/platform';
import { loadConfig, type ${n.pascal}Config } from './config';
import { add${n.pascal}Apis, ${n.envPrefix}_PROTO_FILES, type ${n.pascal}Apis } from './grpc/${n.name}-apis';
import { ${n.camel}Jobs } from './jobs/${n.name}-jobs';
import { settingModel } from './persistence/setting-model';`;
  return `${imports}

// The ${n.name} service on the platform's service defaults (libs/platform): what is its own is
// declared here; the wiring and the shutdown order are the same as every service's.

export type Running${n.pascal}Service = RunningService<${n.pascal}Apis>;

export function start${n.pascal}Service(config: ${n.pascal}Config = loadConfig()): Promise<Running${n.pascal}Service> {
  return ${start}({
    config,
    topic: Topics.${n.domainCamel},
    protoFiles: ${n.envPrefix}_PROTO_FILES,
${storeLines}
    jobs: () => ${n.camel}Jobs(),
  });
}
`;
}

export function apisTs(n: ServiceNames): string {
  const server = pg(n) ? 'PostgresGrpcServer' : 'MongoGrpcServer';
  const deps = pg(n) ? '{ pool: Pool }' : '{ connection: Connection }';
  const imports = pg(n)
    ? `import type { PostgresGrpcServer } from '@liaison/platform';
import type { Pool } from '@liaison/runtime';`
    : `import type { MongoGrpcServer } from '@liaison/platform';
import type { Connection } from 'mongoose';`;
  const service = pg(n) ? 'new SettingService(deps.pool)' : 'new SettingService(new SettingRepository(settingModel(deps.connection)))';
  const extra = pg(n)
    ? ''
    : `\nimport { settingModel } from '../persistence/setting-model';\nimport { SettingRepository } from '../persistence/setting-repository';`;
  return `${imports}
import { SettingService } from '../domain/setting-service';${extra}
import { settingHandlers } from './setting-handlers';

// Every gRPC API of the ${n.name} service, one line each: a new API is one more line here and its
// proto file in ${n.envPrefix}_PROTO_FILES (for reflection).

export const ${n.envPrefix}_PROTO_FILES = ['setting'].map((name) => \`liaison/${n.domain}/v1/\${name}.proto\`);

/** The use cases that jobs and tests drive as well. */
export interface ${n.pascal}Apis {
  settings: SettingService;
}

export function add${n.pascal}Apis(grpc: ${server}, deps: ${deps}): ${n.pascal}Apis {
  const settings = ${service};
  grpc.addService(settingHandlers.definition, settingHandlers(settings), settingHandlers.policies);
  return { settings };
}
`;
}

export function handlersTs(n: ServiceNames): string {
  const alias = `${n.domainCamel}SettingV1`;
  const txArg = pg(n) ? 'ctx.tx, ' : '';
  const putPolicy = pg(n) ? `{ permission: ['admin', 'update'], transaction: true }` : `{ permission: ['admin', 'update'] }`;
  return `import { ${alias} } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import type { SettingService } from '../domain/setting-service';
import { toProtoSetting } from './setting-mapper';

/** SettingService RPCs: protobuf in, use case, protobuf out. */
export function settingHandlers(service: SettingService) {
  return {
    async getSetting(request: ${alias}.GetSettingRequest): Promise<${alias}.GetSettingResponse> {
      return { setting: toProtoSetting(await service.get(request.key)) };
    },

    async putSetting(request: ${alias}.PutSettingRequest, ctx: RpcContext): Promise<${alias}.PutSettingResponse> {
      const command = { key: request.key, value: request.value, expectedVersion: request.expectedVersion };
      return { setting: toProtoSetting(await service.put(${txArg}ctx.principal, command)) };
    },
  };
}

settingHandlers.definition = ${alias}.SettingServiceService;
// Each RPC's permission (and transaction), checked by the server before the handler runs.
settingHandlers.policies = {
  getSetting: { permission: ['admin', 'read'] },
  putSetting: ${putPolicy},
} satisfies Policies<typeof ${alias}.SettingServiceService>;
`;
}

export function mapperTs(n: ServiceNames): string {
  const alias = `${n.domainCamel}SettingV1`;
  return `import { ${alias} } from '@liaison/contracts';
import type { Setting } from '../domain/setting';

// Settings between the domain and protobuf, for the handlers (and the events, when there are).

export function toProtoSetting(setting: Setting): ${alias}.Setting {
  return ${alias}.Setting.fromPartial({
    key: setting.key,
    value: setting.value,
    version: setting.version,
    updatedBy: setting.updatedBy,
    updateTime: setting.updatedAt,
  });
}
`;
}

export const settingTs = `import { AppError } from '@liaison/runtime';

// A setting: a value administrators keep under a key. The rules every store applies alike.

export interface Setting {
  key: string;
  value: unknown;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

export interface PutCommand {
  key: string;
  value: unknown;
  /** 0 creates the setting; otherwise the version the caller read. */
  expectedVersion: number;
}

const KEY = /^[a-z][a-z0-9_.-]{0,99}$/;
// A setting is configuration, not data: a larger value belongs in a table of its own.
const MAX_VALUE_CHARACTERS = 16_384;

export function checkKey(key: string): string {
  if (!KEY.test(key)) {
    throw AppError.invalid('key is invalid', [{ field: 'key', message: 'lower-case letters, digits, ".", "_" or "-", starting with a letter, at most 100' }]);
  }
  return key;
}

export function checkValue(value: unknown): unknown {
  if (value === undefined || value === null) throw AppError.invalid('value is required', [{ field: 'value', message: 'is required' }]);
  if (JSON.stringify(value).length > MAX_VALUE_CHARACTERS) {
    throw AppError.invalid('value is too large', [{ field: 'value', message: \`at most \${MAX_VALUE_CHARACTERS} characters of JSON\` }]);
  }
  return value;
}

export function checkExpectedVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw AppError.invalid('expected_version is invalid', [{ field: 'expected_version', message: '0 to create, else the version you read' }]);
  }
  return version;
}
`;

export const settingTestTs = `import { checkExpectedVersion, checkKey, checkValue } from './setting';

describe('setting rules', () => {
  it('take a key of lower-case letters, digits and separators, and refuse any other', () => {
    expect(checkKey('quote.max_discount')).toBe('quote.max_discount');
    for (const key of ['', 'Quote', '1st', 'a b', 'x'.repeat(101), '客户']) {
      expect(() => checkKey(key)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    }
  });

  it('need a value, bounded in size', () => {
    expect(checkValue({ limit: 3 })).toEqual({ limit: 3 });
    expect(() => checkValue(undefined)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => checkValue('x'.repeat(20_000))).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });

  it('take 0 (create) or a version read', () => {
    expect(checkExpectedVersion(0)).toBe(0);
    expect(() => checkExpectedVersion(-1)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});
`;

export function jobsTs(n: ServiceNames): string {
  return `import type { ScheduledWork } from '@liaison/jobs';

// The scheduled work of the ${n.name} service: each job fires once per interval across all
// replicas (libs/jobs). None yet; return them here, e.g.
//   { name: 'sla-check', intervalMs: 60_000, work: () => tickets.checkSla() }.
export function ${n.camel}Jobs(): ScheduledWork<unknown>[] {
  return [];
}
`;
}

export function projectionsTs(n: ServiceNames): string {
  return `import type { ProjectionSpec } from '@liaison/platform';

// The read models of the ${n.name} service fed by events of other services (libs/events
// ProjectorRegistry, as the customer service's 360 view). None yet; return them here, e.g.
//   { name: '${n.name}-projections', topics: [Topics.customer], handler: projectionHandler }.
export function ${n.camel}Projections(): ProjectionSpec[] {
  return [];
}
`;
}

export function outboxTs(n: ServiceNames): string {
  return `import { Topics } from '@liaison/contracts';
import { createOutbox } from '@liaison/events';

/**
 * Every event of the ${n.name} service goes to its own topic, liaison.${n.domain}.v1, written in the
 * transaction of the change it announces (the relay publishes it). Declare the payload in
 * proto/liaison/events/v1 and its type in libs/contracts EventTypes, then append here.
 */
export const outbox = createOutbox({ source: 'liaison.${n.domain}', topic: Topics.${n.domainCamel} });
`;
}

export function mongoTopicTs(n: ServiceNames): string {
  return `import { Topics } from '@liaison/contracts';

/**
 * The topic of the ${n.name} service's events, liaison.${n.domain}.v1. On MongoDB (FerretDB has no
 * multi-document transactions) an event is kept in an outbox array on the document it concerns,
 * written by the same single-document update, and relayed from there (docs/ARCHITECTURE.md).
 */
export const TOPIC = Topics.${n.domainCamel};
`;
}

export function supportTs(n: ServiceNames): string {
  const url = pg(n) ? `DATABASE_URL: await ensureDatabase(database),` : `MONGODB_URL: stack.mongoUrl(database),`;
  const imports = pg(n)
    ? `import { ensureDatabase, stack, userToken } from '@liaison/testkit';`
    : `import { stack, userToken } from '@liaison/testkit';`;
  return `import { Metadata } from '@grpc/grpc-js';
import { readConfig } from '@liaison/runtime';
${imports}
import { start${n.pascal}Service, type Running${n.pascal}Service } from '../src/app';
import { settings } from '../src/config';

// What every integration test of the ${n.name} service needs: the service in-process against
// the real stack, on a database of the test's own, and gRPC metadata carrying a demo user's token.

/** gRPC metadata with the access token of a demo user (password \`liaison\`). */
export async function callerMetadata(username: string): Promise<Metadata> {
  const metadata = new Metadata();
  metadata.set('authorization', \`Bearer \${await userToken(username)}\`);
  return metadata;
}

/** Starts the service on free ports with the given database; \`extra\` overrides settings. */
export async function startServiceUnderTest(database: string, extra: Record<string, string> = {}): Promise<Running${n.pascal}Service> {
  return start${n.pascal}Service(
    readConfig(settings, {
      SERVICE_NAME: '${n.name}-it',
      LOG_LEVEL: 'warn',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      ${url}
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
      ...extra,
    }),
  );
}
`;
}

export function intTestTs(n: ServiceNames): string {
  const alias = `${n.domainCamel}SettingV1`;
  return `import { ${alias} } from '@liaison/contracts';
import { createGrpcClient, grpcHealthCheck, unary } from '@liaison/runtime';
import { callerMetadata as as, startServiceUnderTest } from './support';
import type { Running${n.pascal}Service } from '../src/app';

// The generated service against the real stack: it starts, reports SERVING over grpc.health.v1,
// serves its API to those the declared permissions allow, refuses everyone else, and keeps
// concurrent writers apart by version.

const RUN = Date.now().toString(36);
let service: Running${n.pascal}Service;
let client: ${alias}.SettingServiceClient;
let address: string;

beforeAll(async () => {
  service = await startServiceUnderTest('${n.database}_it');
  address = \`127.0.0.1:\${service.grpcPort}\`;
  client = createGrpcClient(${alias}.SettingServiceClient, address, {
    serviceName: 'liaison.${n.domain}.v1.SettingService',
    idempotentMethods: ['GetSetting'],
    deadlineMs: 10_000,
  });
});

afterAll(async () => {
  client?.close();
  await service?.host.stop();
});

const put = async (username: string, key: string, value: unknown, expectedVersion: number) =>
  (await unary(client.putSetting.bind(client), { key, value, expectedVersion }, await as(username))).setting!;
const get = async (username: string, key: string) => (await unary(client.getSetting.bind(client), { key }, await as(username))).setting!;

describe('${n.name} service', () => {
  it('reports SERVING once its dependencies answer', async () => {
    await expect(grpcHealthCheck(address, '', 5_000)()).resolves.toBeUndefined();
    await expect(grpcHealthCheck(address, 'liaison.${n.domain}.v1.SettingService', 5_000)()).resolves.toBeUndefined();
  });

  it('lets an admin create, read and change a setting, versioned', async () => {
    const key = \`probe.\${RUN}\`;
    const created = await put('admin', key, { limit: 3, 名称: '折扣上限' }, 0);
    expect(created).toMatchObject({ key, value: { limit: 3, 名称: '折扣上限' }, version: 1 });
    expect(await get('admin', key)).toMatchObject({ key, version: 1 });
    expect(await put('admin', key, { limit: 5 }, 1)).toMatchObject({ value: { limit: 5 }, version: 2 });
  });

  it('refuses a stale version, an existing key created again, a missing key and a bad key', async () => {
    const key = \`race.\${RUN}\`;
    await put('admin', key, 1, 0);
    await put('admin', key, 2, 1);
    await expect(put('admin', key, 3, 1)).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(put('admin', key, 3, 0)).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(get('admin', \`missing.\${RUN}\`)).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('admin', 'Not A Key')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses callers without the declared permission, before any work', async () => {
    const key = \`denied.\${RUN}\`;
    await expect(put('rep.east.1', key, 1, 0)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(get('rep.east.1', key)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(get('admin', key)).rejects.toMatchObject({ code: 'not_found' });
  });
});
`;
}
