// Obtaining tokens from the realm's token endpoint: client credentials for service-to-service
// calls made on the service's own behalf, and the password grant for tests and tooling.
import { AuthError } from './errors';

export interface ClientCredentialsOptions {
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Refresh this long before expiry so a token never expires in flight. */
  refreshSkewSec?: number;
  timeoutMs?: number;
  /** Clock in milliseconds, injectable for tests. */
  now?: () => number;
}

export interface TokenSource {
  getToken(): Promise<string>;
}

export interface PasswordTokenOptions {
  tokenUrl: string;
  clientId: string;
  username: string;
  password: string;
  clientSecret?: string;
  timeoutMs?: number;
}

interface IssuedToken {
  accessToken: string;
  expiresInSec: number;
}

interface CachedToken {
  accessToken: string;
  refreshAt: number;
}

const DEFAULT_TIMEOUT_MS = 5000;

export function createClientCredentialsSource(options: ClientCredentialsOptions): TokenSource {
  const now = options.now ?? Date.now;
  const skewMs = (options.refreshSkewSec ?? 30) * 1000;
  let cached: CachedToken | undefined;
  let inFlight: Promise<string> | undefined;

  async function refresh(): Promise<string> {
    const issued = await requestToken(options.tokenUrl, clientCredentialsForm(options), options.timeoutMs);
    cached = { accessToken: issued.accessToken, refreshAt: now() + issued.expiresInSec * 1000 - skewMs };
    return issued.accessToken;
  }

  return {
    getToken() {
      if (cached !== undefined && now() < cached.refreshAt) return Promise.resolve(cached.accessToken);
      // Concurrent callers share one request; a failure is not cached, the next call retries.
      inFlight ??= refresh().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
  };
}

export async function fetchPasswordToken(options: PasswordTokenOptions): Promise<string> {
  const form = new URLSearchParams({
    grant_type: 'password',
    client_id: options.clientId,
    username: options.username,
    password: options.password,
  });
  if (options.clientSecret !== undefined) form.set('client_secret', options.clientSecret);
  const issued = await requestToken(options.tokenUrl, form, options.timeoutMs);
  return issued.accessToken;
}

function clientCredentialsForm(options: ClientCredentialsOptions): URLSearchParams {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: options.clientId,
    client_secret: options.clientSecret,
  });
}

async function requestToken(tokenUrl: string, form: URLSearchParams, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<IssuedToken> {
  const response = await post(tokenUrl, form, timeoutMs);
  const body: unknown = await response.json().catch(() => undefined);
  // RFC 6749 §5.2: a rejected client or grant is a 400/401 carrying an OAuth error code.
  if (response.status === 400 || response.status === 401) {
    throw new AuthError('credentials_rejected', { cause: oauthErrorOf(body) });
  }
  if (!response.ok) throw new AuthError('auth_unavailable', { cause: `token endpoint answered ${response.status}` });
  return issuedTokenOf(body);
}

async function post(url: string, form: URLSearchParams, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept': 'application/json' },
      body: form,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (error) {
    throw new AuthError('auth_unavailable', { cause: error });
  }
}

function issuedTokenOf(body: unknown): IssuedToken {
  const { access_token: accessToken, expires_in: expiresIn } = (body ?? {}) as Record<string, unknown>;
  if (typeof accessToken !== 'string' || accessToken === '') {
    throw new AuthError('auth_unavailable', { cause: 'token response without access_token' });
  }
  // expires_in is only RECOMMENDED; without it the token is used once and not cached.
  return { accessToken, expiresInSec: typeof expiresIn === 'number' ? expiresIn : 0 };
}

function oauthErrorOf(body: unknown): string {
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? error : 'unknown';
}
