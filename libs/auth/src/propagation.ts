// Carrying the caller's access token across hops: services forward the token they received so
// that every hop authorizes the original caller, not the service in between.
import { Metadata } from '@grpc/grpc-js';
import { AuthError } from './errors';

const AUTHORIZATION = 'authorization';

// RFC 6750 §2.1: the scheme, one or more spaces, then a b64token. Nothing else on the line.
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

export function bearerMetadata(token: string, metadata: Metadata = new Metadata()): Metadata {
  metadata.set(AUTHORIZATION, `Bearer ${token}`);
  return metadata;
}

/** The bearer token of an incoming gRPC call; throws `token_missing` or `token_invalid`. */
export function tokenFromMetadata(metadata: Metadata): string {
  const values = metadata.get(AUTHORIZATION);
  if (values.length === 0) throw new AuthError('token_missing');
  // Two authorization entries would let a proxy and a service disagree on who is calling.
  if (values.length > 1 || typeof values[0] !== 'string') throw new AuthError('token_invalid');
  return tokenFromAuthorizationHeader(values[0]);
}

/** The token of an `Authorization: Bearer <token>` value; throws `token_missing` or `token_invalid`. */
export function tokenFromAuthorizationHeader(value: string | null | undefined): string {
  if (value === undefined || value === null || value === '') throw new AuthError('token_missing');
  const match = BEARER.exec(value);
  if (match === null) throw new AuthError('token_invalid');
  return match[1];
}
