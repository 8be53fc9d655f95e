// Access-token verification against the realm's signing keys. Keys come from the JWKS endpoint
// through jose's remote key set, which caches them and refetches only when a token names an
// unknown `kid` (key rotation), at most once per cooldown: no call to Keycloak per request.
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  type KeyLike,
} from 'jose';
import { AuthError, type AuthErrorCode } from './errors';
import { principalFromClaims, type Principal } from './principal';

export interface TokenVerifierOptions {
  /** Exact `iss` expected, e.g. `http://localhost:8180/realms/liaison`. */
  issuer: string;
  /** Required member of `aud`, e.g. `liaison-api`. */
  audience: string;
  /** Defaults to Keycloak's `<issuer>/protocol/openid-connect/certs`. */
  jwksUrl?: string;
  /** Local keys instead of the JWKS endpoint (tests, offline tools). */
  jwks?: JSONWebKeySet | KeyLike;
  algorithms?: string[];
  clockToleranceSec?: number;
  /** Minimum time between two JWKS fetches triggered by unknown key ids. */
  jwksCooldownSec?: number;
  /**
   * Verified tokens remembered, by the token itself, so that a caller's next requests (and every
   * hop of one request: gateway, then each service) skip the signature check; 0 = none.
   */
  cacheSize?: number;
  jwksTimeoutMs?: number;
}

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

type KeySource = JWTVerifyGetKey | KeyLike;

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const keys = keySourceOf(options);
  const verifyOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms ?? ['RS256'],
    clockTolerance: options.clockToleranceSec ?? 30,
    requiredClaims: ['sub', 'exp'],
  };
  const cache = new VerifiedTokens(options.cacheSize ?? DEFAULT_CACHE_SIZE, verifyOptions.clockTolerance);
  return {
    async verify(token) {
      if (typeof token !== 'string' || token === '') throw new AuthError('token_missing');
      const known = cache.get(token);
      if (known) return known;
      const claims = await verifiedClaims(token, keys, verifyOptions);
      const principal = principalFromClaims(claims, token);
      cache.set(token, principal, claims.exp!);
      return principal;
    },
  };
}

const DEFAULT_CACHE_SIZE = 10_000;

/**
 * Tokens whose signature, issuer, audience and claims were checked, until they expire. Only the
 * expiry changes with time, so it is checked again on every hit (with the same clock tolerance);
 * an expired token is forgotten and verified afresh, which then refuses it. Bounded: the oldest
 * entry goes first. The key is the whole token, so a token that differs in any byte is verified.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(
    private readonly size: number,
    private readonly toleranceSec: number,
  ) {}

  get(token: string): Principal | undefined {
    const entry = this.entries.get(token);
    if (!entry) return undefined;
    if (Date.now() >= entry.expiresAtMs + this.toleranceSec * 1000) {
      this.entries.delete(token);
      return undefined;
    }
    return entry.principal;
  }

  set(token: string, principal: Principal, expSec: number): void {
    if (this.size <= 0) return;
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(token, { principal, expiresAtMs: expSec * 1000 });
  }
}

async function verifiedClaims(token: string, keys: KeySource, options: Parameters<typeof jwtVerify>[2]): Promise<JWTPayload> {
  try {
    // The union type hides jwtVerify's overloads from the compiler; both shapes are valid.
    const { payload } = await jwtVerify(token, keys as KeyLike, options);
    assertAccessToken(payload);
    return payload;
  } catch (error) {
    throw error instanceof AuthError ? error : new AuthError(codeOf(error), { cause: error });
  }
}

// Keycloak signs ID and logout tokens with the same keys; its access tokens say `typ: Bearer`.
function assertAccessToken(payload: JWTPayload): void {
  if (payload.typ !== undefined && payload.typ !== 'Bearer') throw new AuthError('token_invalid');
  if (typeof payload.sub !== 'string' || payload.sub === '') throw new AuthError('token_invalid');
}

function keySourceOf(options: TokenVerifierOptions): KeySource {
  if (options.jwks !== undefined) {
    return isKeySet(options.jwks) ? createLocalJWKSet(options.jwks) : options.jwks;
  }
  const url = options.jwksUrl ?? `${options.issuer}/protocol/openid-connect/certs`;
  const remoteKeys = createRemoteJWKSet(new URL(url), {
    cooldownDuration: (options.jwksCooldownSec ?? 30) * 1000,
    timeoutDuration: options.jwksTimeoutMs ?? 5000,
  });
  return withOutagesReported(remoteKeys);
}

// A JWKS we cannot fetch or parse is our outage, not the caller's bad token: it must surface as
// 503, while a token naming a key the realm does not have stays a plain invalid token.
function withOutagesReported(getKey: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
        throw error;
      }
      throw new AuthError('auth_unavailable', { cause: error });
    }
  };
}

function isKeySet(value: JSONWebKeySet | KeyLike): value is JSONWebKeySet {
  return Array.isArray((value as Partial<JSONWebKeySet>).keys);
}

function codeOf(error: unknown): AuthErrorCode {
  if (error instanceof errors.JWTExpired) return 'token_expired';
  if (error instanceof errors.JWTClaimValidationFailed) return claimFailureCode(error.claim);
  return 'token_invalid';
}

function claimFailureCode(claim: string): AuthErrorCode {
  if (claim === 'iss') return 'token_issuer';
  if (claim === 'aud') return 'token_audience';
  return 'token_invalid';
}
