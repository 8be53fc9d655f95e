import { salesSettingV1 } from '@liaison/contracts';
import { createGrpcClient, grpcHealthCheck, unary } from '@liaison/runtime';
import { callerMetadata as as, startServiceUnderTest } from './support';
import type { RunningSalesPipelineService } from '../src/app';

// The generated service against the real stack: it starts, reports SERVING over grpc.health.v1,
// serves its API to those the declared permissions allow, refuses everyone else, and keeps
// concurrent writers apart by version.

const RUN = Date.now().toString(36);
let service: RunningSalesPipelineService;
let client: salesSettingV1.SettingServiceClient;
let address: string;

beforeAll(async () => {
  service = await startServiceUnderTest('sales_pipeline_it');
  address = `127.0.0.1:${service.grpcPort}`;
  client = createGrpcClient(salesSettingV1.SettingServiceClient, address, {
    serviceName: 'liaison.sales.v1.SettingService',
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

describe('sales-pipeline service', () => {
  it('reports SERVING once its dependencies answer', async () => {
    await expect(grpcHealthCheck(address, '', 5_000)()).resolves.toBeUndefined();
    await expect(grpcHealthCheck(address, 'liaison.sales.v1.SettingService', 5_000)()).resolves.toBeUndefined();
  });

  it('lets an admin create, read and change a setting, versioned', async () => {
    const key = `probe.${RUN}`;
    const created = await put('admin', key, { limit: 3, 名称: '折扣上限' }, 0);
    expect(created).toMatchObject({ key, value: { limit: 3, 名称: '折扣上限' }, version: 1 });
    expect(await get('admin', key)).toMatchObject({ key, version: 1 });
    expect(await put('admin', key, { limit: 5 }, 1)).toMatchObject({ value: { limit: 5 }, version: 2 });
  });

  it('refuses a stale version, an existing key created again, a missing key and a bad key', async () => {
    const key = `race.${RUN}`;
    await put('admin', key, 1, 0);
    await put('admin', key, 2, 1);
    await expect(put('admin', key, 3, 1)).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(put('admin', key, 3, 0)).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(get('admin', `missing.${RUN}`)).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('admin', 'Not A Key')).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses callers without the declared permission, before any work', async () => {
    const key = `denied.${RUN}`;
    await expect(put('rep.east.1', key, 1, 0)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(get('rep.east.1', key)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(get('admin', key)).rejects.toMatchObject({ code: 'not_found' });
  });
});
