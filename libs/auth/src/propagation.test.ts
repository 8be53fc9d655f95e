import { Metadata } from '@grpc/grpc-js';
import { AuthError, bearerMetadata, tokenFromAuthorizationHeader, tokenFromMetadata } from './index';

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln-_';

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof AuthError ? error.code : 'not an AuthError';
  }
}

describe('tokenFromAuthorizationHeader', () => {
  it.each(['Bearer ', 'bearer ', 'BEARER ', 'Bearer    '])('accepts the scheme written %j', (prefix) => {
    expect(tokenFromAuthorizationHeader(`${prefix}${TOKEN}`)).toBe(TOKEN);
  });

  it('accepts base64 padding', () => {
    expect(tokenFromAuthorizationHeader('Bearer abc==')).toBe('abc==');
  });

  it.each([undefined, null, ''])('reports %j as missing', (value) => {
    expect(codeOf(() => tokenFromAuthorizationHeader(value))).toBe('token_missing');
  });

  it.each([
    TOKEN,
    `Basic ${TOKEN}`,
    `Bearer`,
    `Bearer `,
    `Bearer\t${TOKEN}`,
    ` Bearer ${TOKEN}`,
    `Bearer ${TOKEN} `,
    `Bearer ${TOKEN} extra`,
    `Bearer ${TOKEN},Bearer ${TOKEN}`,
    `Bearer ${TOKEN}\n`,
    'Bearer a=b',
    'Bearerx abc',
  ])('rejects %j', (value) => {
    expect(codeOf(() => tokenFromAuthorizationHeader(value))).toBe('token_invalid');
  });
});

describe('gRPC metadata', () => {
  it('round-trips a token through bearerMetadata and tokenFromMetadata', () => {
    const metadata = bearerMetadata(TOKEN);
    expect(metadata.get('authorization')).toEqual([`Bearer ${TOKEN}`]);
    expect(tokenFromMetadata(metadata)).toBe(TOKEN);
  });

  it('adds the token to existing metadata, replacing any previous one', () => {
    const metadata = new Metadata();
    metadata.set('x-request-id', 'r-1');
    metadata.set('authorization', 'Bearer old');
    bearerMetadata(TOKEN, metadata);
    expect(metadata.get('x-request-id')).toEqual(['r-1']);
    expect(metadata.get('authorization')).toEqual([`Bearer ${TOKEN}`]);
  });

  it('reports a call without authorization as missing', () => {
    expect(codeOf(() => tokenFromMetadata(new Metadata()))).toBe('token_missing');
  });

  it('rejects several authorization entries', () => {
    const metadata = bearerMetadata(TOKEN);
    metadata.add('authorization', 'Bearer other');
    expect(codeOf(() => tokenFromMetadata(metadata))).toBe('token_invalid');
  });

  it('rejects a non-bearer authorization entry', () => {
    const metadata = new Metadata();
    metadata.set('authorization', 'Basic dXNlcjpwYXNz');
    expect(codeOf(() => tokenFromMetadata(metadata))).toBe('token_invalid');
  });
});
