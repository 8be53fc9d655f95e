import type { CallOptions, ClientUnaryCall, Metadata, ServiceError } from '@grpc/grpc-js';
import { bearerMetadata } from '@liaison/auth';
import { AppError, fromGrpcError, unary } from '@liaison/runtime';
import { withJsonFieldNames, type FieldNames } from './field-names';

// How a route handler calls a backend service: as the caller (their token travels as gRPC
// metadata, and each service checks it again), with request and response types taken from the
// generated grpc-js client, and with the service's errors told in the names of the JSON API.

type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: Metadata,
  options: Partial<CallOptions>,
  callback: (error: ServiceError | null, response: Res) => void,
) => ClientUnaryCall;

/** The unary methods of a generated client (streaming ones return no ClientUnaryCall). */
export type UnaryMethodName<C> = { [K in keyof C & string]: C[K] extends UnaryMethod<never, unknown> ? K : never }[keyof C & string];

// On an overloaded method, inference reads the last overload: (request, metadata, options, callback).
export type RequestOf<C, M extends keyof C> = C[M] extends UnaryMethod<infer Req, unknown> ? Req : never;
export type ResponseOf<C, M extends keyof C> = C[M] extends UnaryMethod<never, infer Res> ? Res : never;

/** `call(client, 'getCustomer', { id })`: one unary call as the caller; `options` e.g. for a longer deadline. */
export type BackendCall = <C, M extends UnaryMethodName<C>>(
  client: C,
  method: M,
  request: RequestOf<C, M>,
  options?: Partial<CallOptions>,
) => Promise<ResponseOf<C, M>>;

/** What a handler needs to reach the services as the caller. */
export interface Backend {
  call: BackendCall;
  /** The caller's token as gRPC metadata, for streaming calls. */
  metadata: Metadata;
  /** The problem a failed streaming call is answered with: the service's error in JSON names. */
  streamFailure: (error: ServiceError) => AppError;
}

export function backendFor(token: string, fieldNames: FieldNames = {}): Backend {
  const metadata = bearerMetadata(token);
  const call: BackendCall = async (client, method, request, options) => {
    const send = client[method] as UnaryMethod<typeof request, ResponseOf<typeof client, typeof method>>;
    try {
      return await unary(send.bind(client), request, metadata, options);
    } catch (error) {
      throw error instanceof AppError ? withJsonFieldNames(error, fieldNames) : error;
    }
  };
  return { call, metadata, streamFailure: (error) => withJsonFieldNames(fromGrpcError(error), fieldNames) };
}
