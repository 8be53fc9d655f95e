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
const authenticated = { permission: 'authenticated' } as const;
const openToEveryCaller = {
  createCustomer: authenticated,
  getCustomer: authenticated,
  listCustomers: authenticated,
  updateCustomer: authenticated,
  changeCustomerCategory: authenticated,
};

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
    server.addService(
      CustomerServiceService,
      {
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
      },
      openToEveryCaller,
    );
    const port = await server.listen(0, '127.0.0.1');
    address = `127.0.0.1:${port}`;
  });

  afterAll(() => server.shutdown(100));

  // A generous deadline by default: a loaded CI machine must not fail the tests that are not
  // about deadlines; the deadline test sets a short one.
  const client = (deadlineMs = 5_000) =>
    createGrpcClient(CustomerServiceClient, address, {
      serviceName: 'liaison.customer.v1.CustomerService',
      idempotentMethods: ['GetCustomer', 'ListCustomers'],
      deadlineMs,
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
    const c = client(200);
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

describe('the declared policy of each RPC', () => {
  type Permission = 'read' | 'write';
  const steps: string[] = [];
  let server: GrpcServer<{ grants: Permission[] }, Permission, { id: number }>;
  let address: string;
  let transactions = 0;

  beforeAll(async () => {
    const health = new HealthMonitor(logger, 50);
    await health.start();
    server = new GrpcServer({
      logger,
      metrics: createMetrics('policy-test'),
      health,
      authenticate: async (token) => ({ grants: token.split('+') as Permission[] }),
      authorize: (principal, permission) => {
        steps.push(`authorize ${permission}`);
        if (!principal.grants.includes(permission)) throw new AppError('permission_denied', `needs ${permission}`);
      },
      unitOfWork: async (work) => {
        const tx = { id: (transactions += 1) };
        steps.push(`begin ${tx.id}`);
        try {
          const result = await work(tx);
          steps.push(`commit ${tx.id}`);
          return result;
        } catch (error) {
          steps.push(`rollback ${tx.id}`);
          throw error;
        }
      },
    });
    server.addService(
      CustomerServiceService,
      {
        createCustomer: async (request, ctx) => {
          steps.push(`handler in ${ctx.tx.id}`);
          if (request.name === 'fail') throw new AppError('invalid_argument', 'refused');
          return { customer: customerV1.Customer.fromPartial({ name: request.name }) };
        },
        getCustomer: async (request, ctx) => {
          steps.push('handler');
          if (request.id === 'tx') steps.push(`tx ${ctx.tx.id}`);
          return { customer: customerV1.Customer.fromPartial({ id: request.id }) };
        },
        listCustomers: async () => ({ customers: [] }),
        updateCustomer: async () => ({}),
        changeCustomerCategory: async () => ({}),
      },
      {
        createCustomer: { permission: 'write', transaction: true },
        getCustomer: { permission: 'read' },
        listCustomers: { permission: 'read' },
        updateCustomer: { permission: 'write', transaction: true },
        changeCustomerCategory: { permission: 'authenticated' },
      },
    );
    address = `127.0.0.1:${await server.listen(0, '127.0.0.1')}`;
  });

  afterAll(() => server.shutdown(100));
  beforeEach(() => steps.splice(0));

  const call = async <Req, Res>(method: keyof customerV1.CustomerServiceClient, request: Req, grants: string): Promise<Res> => {
    const client = createGrpcClient(CustomerServiceClient, address, {
      serviceName: 'liaison.customer.v1.CustomerService',
      idempotentMethods: [],
    });
    const metadata = new Metadata();
    metadata.set('authorization', `Bearer ${grants}`);
    try {
      const bound = (client[method] as (...args: unknown[]) => unknown).bind(client);
      return await unary(bound as never, request, metadata);
    } finally {
      client.close();
    }
  };

  it('checks the permission before the handler, which never runs for a caller without it', async () => {
    await expect(call('getCustomer', { id: 'c1' }, 'write')).rejects.toMatchObject({ code: 'permission_denied' });
    expect(steps).toEqual(['authorize read']);
    await call('getCustomer', { id: 'c1' }, 'read');
    expect(steps).toEqual(['authorize read', 'authorize read', 'handler']);
  });

  it('runs a transactional RPC in one unit of work, committed on success and rolled back on failure', async () => {
    await call('createCustomer', customerV1.CreateCustomerRequest.fromPartial({ name: 'ok' }), 'write');
    await expect(call('createCustomer', customerV1.CreateCustomerRequest.fromPartial({ name: 'fail' }), 'write')).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const [first, second] = [transactions - 1, transactions];
    expect(steps).toEqual([
      'authorize write',
      `begin ${first}`,
      `handler in ${first}`,
      `commit ${first}`,
      'authorize write',
      `begin ${second}`,
      `handler in ${second}`,
      `rollback ${second}`,
    ]);
  });

  it('opens no transaction for an RPC that declares none, and refuses its use of ctx.tx', async () => {
    await expect(call('getCustomer', { id: 'tx' }, 'read')).rejects.toMatchObject({ code: 'internal' });
    expect(steps).toEqual(['authorize read', 'handler']);
  });

  it('refuses at registration an RPC without a policy, or a policy the server cannot enforce', () => {
    const bare = new GrpcServer<{ grants: Permission[] }, Permission, never>({
      logger,
      metrics: createMetrics('policy-test-2'),
      health: new HealthMonitor(logger, 50),
      authenticate: async () => ({ grants: [] }),
    });
    const handlers = {
      createCustomer: async () => ({}),
      getCustomer: async () => ({}),
      listCustomers: async () => ({ customers: [] }),
      updateCustomer: async () => ({}),
      changeCustomerCategory: async () => ({}),
    };
    const policies = { ...openToEveryCaller };
    expect(() => bare.addService(CustomerServiceService, handlers, { ...policies, getCustomer: undefined as never })).toThrow(
      /GetCustomer has no policy/,
    );
    expect(() => bare.addService(CustomerServiceService, handlers, { ...policies, getCustomer: { permission: 'read' } })).toThrow(
      /no authorize/,
    );
    expect(() =>
      bare.addService(CustomerServiceService, handlers, { ...policies, getCustomer: { permission: 'authenticated', transaction: true } }),
    ).toThrow(/no unitOfWork/);
  });
});
