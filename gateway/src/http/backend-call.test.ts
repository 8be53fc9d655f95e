import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { tokenFromMetadata } from '@liaison/auth';
import { AppError, toGrpcError } from '@liaison/runtime';
import { backendFor } from './backend-call';

// A stand-in for a generated grpc-js client: its unary method with the generated signature.
interface Echo {
  request: { pageToken: string };
  metadata: Metadata;
}
type Callback<Res> = (error: ServiceError | null, response: Res) => void;

class FakeClient {
  calls: Echo[] = [];
  constructor(private readonly failure?: AppError) {}

  listThings(request: { pageToken: string }, callback: Callback<{ items: string[] }>): ClientUnaryCall;
  listThings(
    request: { pageToken: string },
    metadata: Metadata,
    options: Partial<CallOptions>,
    callback: Callback<{ items: string[] }>,
  ): ClientUnaryCall;
  listThings(request: { pageToken: string }, ...rest: unknown[]): ClientUnaryCall {
    const callback = rest[rest.length - 1] as Callback<{ items: string[] }>;
    this.calls.push({ request, metadata: rest[0] as Metadata });
    if (!this.failure) callback(null, { items: ['a'] });
    else {
      const grpc = toGrpcError(this.failure);
      callback(Object.assign(new Error(grpc.details), grpc) as ServiceError, { items: [] });
    }
    return {} as ClientUnaryCall;
  }
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln';

describe('calling a backend as the caller', () => {
  it("sends the request with the caller's token and answers the response", async () => {
    const client = new FakeClient();
    const { call } = backendFor(TOKEN);
    const response = await call(client, 'listThings', { pageToken: 'p' });
    expect(response.items).toEqual(['a']);
    expect(client.calls[0].request).toEqual({ pageToken: 'p' });
    expect(tokenFromMetadata(client.calls[0].metadata)).toBe(TOKEN);
  });

  it("tells the service's violations in JSON names, the route's renames included", async () => {
    const failure = AppError.invalid('bad', [
      { field: 'page_token', message: 'unknown' },
      { field: 'settings.send_time', message: 'HH:MM' },
    ]);
    const { call } = backendFor(TOKEN, { settings: '' });
    const error = await call(new FakeClient(failure), 'listThings', { pageToken: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).violations.map((v) => v.field)).toEqual(['pageToken', 'sendTime']);
  });

  it('renames the violations of a failed streaming call the same way', () => {
    const grpc = toGrpcError(AppError.invalid('bad', [{ field: 'options.duplicate_key', message: 'no' }]));
    const error = backendFor(TOKEN, { options: '' }).streamFailure({ ...grpc, name: 'Error', message: '' } as ServiceError);
    expect(error.violations).toEqual([{ field: 'duplicateKey', message: 'no' }]);
  });

  it('types the request and response from the client', () => {
    const { call } = backendFor(TOKEN);
    const client = new FakeClient();
    // @ts-expect-error the client has no such method
    void call(client, 'getThing', { pageToken: '' }).catch(() => undefined);
    // @ts-expect-error the request lacks pageToken
    void call(client, 'listThings', {}).catch(() => undefined);
    // @ts-expect-error the response has items, no total
    void call(client, 'listThings', { pageToken: '' }).then((response) => response.total);
  });
});
