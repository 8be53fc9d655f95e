import { Metadata } from '@grpc/grpc-js';
import pino from 'pino';
import { customerV1 } from '@liaison/contracts';
import { AppError } from './errors';
import { GrpcServer } from './grpc-server';
import { createGrpcClient, grpcHealthCheck, unary } from './grpc-client';
import { HealthMonitor } from './health';
import { createMetrics } from './metrics';

const logger = pino({ level: 'silent' });
const { CustomerServiceService, CustomerServiceClient } = customerV1;

describe('GrpcServer and client', () => {
  let server: GrpcServer<{ userId: string }>;
  let address: string;
  let healthy = true;
  const flakyAnswered = new Set<string>();
  const createAttempts = new Map<string, number>();
  let optionalUp = true;
  const metrics = createMetrics('test');

  beforeAll(async () => {
    const health = new HealthMonitor(logger, 50)
      .add('dependency', async () => {
        if (!healthy) throw new Error('down');
      })
      .add(
        'optional',
        async () => {
          if (!optionalUp) throw new Error('down');
        },
        { critical: false },
      );
    await health.start();
    server = new GrpcServer({
      logger,
      metrics,
      health,
      authenticate: async (token) => {
        if (token !== 'good') throw new AppError('unauthenticated', 'bad token');
        return { userId: 'u1' };
      },
    });
    server.addService(CustomerServiceService, {
      createCustomer: async (request) => {
        createAttempts.set(request.requestId, (createAttempts.get(request.requestId) ?? 0) + 1);
        if (request.requestId) throw new AppError('unavailable', 'try again');
        throw new AppError('invalid_argument', 'name is required', [{ field: 'name', message: 'required' }]);
      },
      getCustomer: async (request, ctx) => {
        if (request.id.startsWith('flaky-') && !flakyAnswered.has(request.id)) {
          flakyAnswered.add(request.id);
          throw new AppError('unavailable', 'try again');
        }
        if (request.id === 'boom') throw new Error('secret detail');
        if (request.id === 'slow') await new Promise((resolve) => setTimeout(resolve, 500));
        return { customer: customerV1.Customer.fromPartial({ id: request.id, ownerId: ctx.principal.userId }) };
      },
      listCustomers: async () => ({ customers: [] }),
      // Fails once per request id with UNAVAILABLE, as a restarting replica would.
      updateCustomer: async () => {
        throw new AppError('version_conflict', 'stale');
      },
      changeCustomerCategory: async () => {
        throw new AppError('failed_precondition', 'not here');
      },
    });
    const port = await server.listen(0, '127.0.0.1');
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => server.shutdown(100));

  const client = () =>
    createGrpcClient(CustomerServiceClient, address, {
      serviceName: 'liaison.customer.v1.CustomerService',
      idempotentMethods: ['GetCustomer', 'ListCustomers'],
      deadlineMs: 200,
      metrics,
    });
  const auth = (token = 'good') => {
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${token}`);
    return metadata;
  };

  it('passes the authenticated principal to the handler', async () => {
    const c = client();
    const response = await unary(c.getCustomer.bind(c), { id: 'c1' }, auth());
    expect(response.customer?.ownerId).toBe('u1');
  });

  it('refuses calls without a valid bearer token', async () => {
    const c = client();
    await expect(unary(c.getCustomer.bind(c), { id: 'c1' })).rejects.toMatchObject({ code: 'unauthenticated' });
    await expect(unary(c.getCustomer.bind(c), { id: 'c1' }, auth('forged'))).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('maps domain errors to status codes with field violations', async () => {
    const c = client();
    await expect(unary(c.createCustomer.bind(c), customerV1.CreateCustomerRequest.fromPartial({ name: '' }), auth())).rejects.toMatchObject(
      {
        code: 'invalid_argument',
        violations: [{ field: 'name', message: 'required' }],
      },
    );
    await expect(unary(c.updateCustomer.bind(c), { id: 'x', expectedVersion: 1 }, auth())).rejects.toMatchObject({
      code: 'version_conflict',
    });
  });

  it('retries idempotent reads on UNAVAILABLE but never writes', async () => {
    const c = client();
    const response = await unary(c.getCustomer.bind(c), { id: 'flaky-1' }, auth());
    expect(response.customer?.id).toBe('flaky-1');
    await expect(
      unary(c.createCustomer.bind(c), customerV1.CreateCustomerRequest.fromPartial({ name: 'x', requestId: 'once' }), auth()),
    ).rejects.toMatchObject({ code: 'unavailable' });
    expect(createAttempts.get('once')).toBe(1);
  });

  it('hides unexpected errors as internal', async () => {
    const c = client();
    const error = await unary(c.getCustomer.bind(c), { id: 'boom' }, auth()).catch((e) => e);
    expect(error).toMatchObject({ code: 'internal', message: 'internal error' });
  });

  it('puts a deadline on every call', async () => {
    const c = client();
    await expect(unary(c.getCustomer.bind(c), { id: 'slow' }, auth())).rejects.toMatchObject({ code: 'deadline_exceeded' });
  });

  it('counts handled calls by method and code', async () => {
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/grpc_server_handled_total\{service="liaison.customer.v1.CustomerService",method="GetCustomer",code="OK"/);
    expect(text).toMatch(/grpc_client_handled_total\{service="liaison.customer.v1.CustomerService",method="UpdateCustomer",code="ABORTED"/);
  });

  it('reports grpc.health.v1 status from the dependency checks', async () => {
    // SERVING resolves; any other status rejects with the status in the message.
    const check = (service: string) =>
      grpcHealthCheck(address, service)().then(
        () => 'SERVING',
        (error: Error) => error.message.split(': ').pop(),
      );
    expect(await check('')).toBe('SERVING');
    expect(await check('liaison.customer.v1.CustomerService')).toBe('SERVING');
    expect(await check('dependency/dependency')).toBe('SERVING');
    expect(await check('dependency/optional')).toBe('SERVING');
    healthy = false;
    optionalUp = false;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await check('')).toBe('NOT_SERVING');
    expect(await check('dependency/dependency')).toBe('NOT_SERVING');
    expect(await check('liveness')).toBe('SERVING');
    expect(await check('dependency/optional')).toBe('NOT_SERVING');
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    // a non-critical dependency being down degrades, it does not take the service out
    expect(await check('')).toBe('SERVING');
    expect(await check('dependency/optional')).toBe('NOT_SERVING');
    optionalUp = true;
    healthy = true;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await check('')).toBe('SERVING');
    expect(await check('no.such.Service')).toMatch(/unknown/i);
  });
});
