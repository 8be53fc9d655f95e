import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { base64url, errors, exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWK, type JWTPayload, type KeyLike } from 'jose';
import { AuthError, createTokenVerifier, type AuthErrorCode, type TokenVerifier } from './index';

const ISSUER = 'http://localhost:8180/realms/liaison';
const AUDIENCE = 'liaison-api';
const KID = 'realm-key-1';

interface SigningKey {
  privateKey: KeyLike;
  publicKey: KeyLike;
  jwk: JWK;
}

async function signingKey(kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  return { privateKey, publicKey, jwk };
}

const nowSec = () => Math.floor(Date.now() / 1000);

function repClaims(overrides: JWTPayload = {}): JWTPayload {
  return {
    iss: ISSUER,
    aud: [AUDIENCE, 'account'],
    sub: '7d1c2a4e-rep-east-1',
    typ: 'Bearer',
    azp: 'liaison-web',
    preferred_username: 'rep.east.1',
    realm_access: { roles: ['sales-rep', 'default-roles-liaison'] },
    groups: ['/Sales/East'],
    iat: nowSec(),
    exp: nowSec() + 300,
    ...overrides,
  };
}

function sign(claims: JWTPayload, key: SigningKey, kid = key.jwk.kid): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(key.privateKey);
}

async function rejectionOf(verifier: TokenVerifier, token: string): Promise<AuthError> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

async function rejection(verifier: TokenVerifier, token: string): Promise<AuthErrorCode> {
  return (await rejectionOf(verifier, token)).code;
}

describe('createTokenVerifier with local keys', () => {
  let key: SigningKey;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    key = await signingKey(KID);
    verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] } });
  });

  it('turns a valid access token into a principal carrying the raw token', async () => {
    const token = await sign(repClaims({ manages: ['/Sales/East'] }), key);
    await expect(verifier.verify(token)).resolves.toEqual({
      userId: '7d1c2a4e-rep-east-1',
      username: 'rep.east.1',
      roles: ['sales-rep', 'default-roles-liaison'],
      units: ['/Sales/East'],
      manages: ['/Sales/East'],
      clientId: 'liaison-web',
      kind: 'user',
      token,
    });
  });

  it('accepts a token that expired within the clock tolerance', async () => {
    const token = await sign(repClaims({ exp: nowSec() - 10 }), key);
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'rep.east.1' });
  });

  it('rejects a token expired beyond the clock tolerance', async () => {
    expect(await rejection(verifier, await sign(repClaims({ exp: nowSec() - 60 }), key))).toBe('token_expired');
  });

  it('rejects a token without exp', async () => {
    const { exp: _exp, ...claims } = repClaims();
    expect(await rejection(verifier, await sign(claims, key))).toBe('token_invalid');
  });

  it('rejects a token not yet valid', async () => {
    expect(await rejection(verifier, await sign(repClaims({ nbf: nowSec() + 600 }), key))).toBe('token_invalid');
  });

  it('rejects another issuer, including a look-alike of the realm', async () => {
    const otherRealm = await sign(repClaims({ iss: 'http://localhost:8180/realms/master' }), key);
    const trailingSlash = await sign(repClaims({ iss: `${ISSUER}/` }), key);
    expect(await rejection(verifier, otherRealm)).toBe('token_issuer');
    expect(await rejection(verifier, trailingSlash)).toBe('token_issuer');
  });

  it('rejects a token issued for another audience', async () => {
    expect(await rejection(verifier, await sign(repClaims({ aud: 'account' }), key))).toBe('token_audience');
    const { aud: _aud, ...noAudience } = repClaims();
    expect(await rejection(verifier, await sign(noAudience, key))).toBe('token_audience');
  });

  it('rejects a token without a subject', async () => {
    const { sub: _sub, ...claims } = repClaims();
    expect(await rejection(verifier, await sign(claims, key))).toBe('token_invalid');
    expect(await rejection(verifier, await sign(repClaims({ sub: '' }), key))).toBe('token_invalid');
  });

  it('rejects an ID token signed with the realm key', async () => {
    expect(await rejection(verifier, await sign(repClaims({ typ: 'ID' }), key))).toBe('token_invalid');
  });

  it('rejects a token signed by another key under the realm key id', async () => {
    const forger = await signingKey(KID);
    expect(await rejection(verifier, await sign(repClaims(), forger))).toBe('token_invalid');
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await sign(repClaims(), key)).split('.');
    const escalated = base64url.encode(JSON.stringify(repClaims({ realm_access: { roles: ['admin'] } })));
    expect(await rejection(verifier, `${header}.${escalated}.${signature}`)).toBe('token_invalid');
  });

  it('rejects an unsigned token (alg none)', async () => {
    const header = base64url.encode(JSON.stringify({ alg: 'none', typ: 'JWT', kid: KID }));
    const payload = base64url.encode(JSON.stringify(repClaims()));
    const error = await rejectionOf(verifier, `${header}.${payload}.`);
    expect(error.code).toBe('token_invalid');
    expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
  });

  it('rejects HS256 tokens keyed with the public key material', async () => {
    const pem = new TextEncoder().encode(await exportSPKI(key.publicKey));
    const modulus = base64url.decode(key.jwk.n!);
    const jwkJson = new TextEncoder().encode(JSON.stringify(key.jwk));
    for (const secret of [pem, modulus, jwkJson]) {
      const token = await new SignJWT(repClaims()).setProtectedHeader({ alg: 'HS256', kid: KID }).sign(secret);
      const error = await rejectionOf(verifier, token);
      expect(error.code).toBe('token_invalid');
      // Pinning refuses the algorithm before any key is chosen, whatever the key set holds.
      expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    }
  });

  it('rejects the HS256 trick also when configured with a single public key', async () => {
    const singleKey = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: key.publicKey });
    const pem = new TextEncoder().encode(await exportSPKI(key.publicKey));
    const token = await new SignJWT(repClaims()).setProtectedHeader({ alg: 'HS256' }).sign(pem);
    const error = await rejectionOf(singleKey, token);
    expect(error.code).toBe('token_invalid');
    expect(error.cause).toBeInstanceOf(errors.JOSEAlgNotAllowed);
    await expect(singleKey.verify(await sign(repClaims(), key))).resolves.toMatchObject({ kind: 'user' });
  });

  it.each(['abc', 'a.b.c', '..', 'Bearer abc.def.ghi', 'eyJhbGciOiJSUzI1NiJ9.eyJ.', '\u0000.\u0000.\u0000'])(
    'rejects the malformed string %j',
    async (malformed) => {
      expect(await rejection(verifier, malformed)).toBe('token_invalid');
    },
  );

  it('reports an empty token as missing', async () => {
    expect(await rejection(verifier, '')).toBe('token_missing');
  });

  it('keeps rejection messages free of verification details', async () => {
    const forger = await signingKey(KID);
    const error = await verifier.verify(await sign(repClaims(), forger)).catch((thrown: AuthError) => thrown);
    expect(error).toMatchObject({ code: 'token_invalid', message: 'invalid token', status: 401 });
  });
});

describe('verified tokens remembered until they expire', () => {
  let key: SigningKey;

  beforeAll(async () => {
    key = await signingKey(KID);
  });

  afterEach(() => jest.useRealTimers());

  it('answers a token verified before without verifying it again', async () => {
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] } });
    const token = await sign(repClaims(), key);
    const first = await verifier.verify(token);
    // The same object: served from memory, not rebuilt from a second verification.
    expect(await verifier.verify(token)).toBe(first);
    const uncached = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] }, cacheSize: 0 });
    expect(await uncached.verify(token)).not.toBe(await uncached.verify(token));
  });

  it('checks the expiry again on every hit, with the clock tolerance', async () => {
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] }, clockToleranceSec: 5 });
    const token = await sign(repClaims({ exp: nowSec() + 60 }), key);
    await verifier.verify(token);
    jest.useFakeTimers({ now: Date.now() + 63_000, doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'rep.east.1' });
    jest.setSystemTime(Date.now() + 5_000);
    expect(await rejection(verifier, token)).toBe('token_expired');
  });

  it('forgets the oldest token when full', async () => {
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [key.jwk] }, cacheSize: 1 });
    const [a, b] = [await sign(repClaims({ jti: 'a' }), key), await sign(repClaims({ jti: 'b' }), key)];
    const first = await verifier.verify(a);
    await verifier.verify(b);
    expect(await verifier.verify(a)).not.toBe(first);
  });
});

describe('createTokenVerifier with the JWKS endpoint', () => {
  let server: Server;
  let jwksUrl: string;
  let servedKeys: JWK[];
  let jwksRequests: number;

  beforeAll(async () => {
    server = createServer((_request, response) => {
      jwksRequests += 1;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ keys: servedKeys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/certs`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    jwksRequests = 0;
  });

  it('fetches the key set once and serves later verifications from the cache', async () => {
    const key = await signingKey(KID);
    servedKeys = [key.jwk];
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl });
    for (let i = 0; i < 5; i += 1) await verifier.verify(await sign(repClaims(), key));
    expect(jwksRequests).toBe(1);
  });

  it('refetches the key set when a rotated key id appears', async () => {
    const [oldKey, newKey] = [await signingKey('old'), await signingKey('new')];
    servedKeys = [oldKey.jwk];
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl, jwksCooldownSec: 0 });
    await verifier.verify(await sign(repClaims(), oldKey));
    servedKeys = [oldKey.jwk, newKey.jwk];
    await expect(verifier.verify(await sign(repClaims(), newKey))).resolves.toMatchObject({ kind: 'user' });
    expect(jwksRequests).toBe(2);
  });

  it('does not refetch for unknown key ids within the cooldown', async () => {
    const key = await signingKey(KID);
    const stranger = await signingKey('unknown');
    servedKeys = [key.jwk];
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl, jwksCooldownSec: 60 });
    await verifier.verify(await sign(repClaims(), key));
    for (let i = 0; i < 3; i += 1) {
      expect(await rejection(verifier, await sign(repClaims(), stranger))).toBe('token_invalid');
    }
    expect(jwksRequests).toBe(1);
  });

  it('defaults to the Keycloak certs path under the issuer', async () => {
    const key = await signingKey(KID);
    servedKeys = [key.jwk];
    const issuer = jwksUrl.replace('/certs', '/realms/liaison');
    let requestedPath = '';
    server.once('request', (request) => {
      requestedPath = request.url ?? '';
    });
    const verifier = createTokenVerifier({ issuer, audience: AUDIENCE });
    await verifier.verify(await sign(repClaims({ iss: issuer }), key));
    expect(requestedPath).toBe('/realms/liaison/protocol/openid-connect/certs');
  });

  it('reports an unreachable key set as an outage, not as a bad token', async () => {
    const key = await signingKey(KID);
    const verifier = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwksUrl: 'http://127.0.0.1:1/certs' });
    expect(await rejection(verifier, await sign(repClaims(), key))).toBe('auth_unavailable');
  });
});
