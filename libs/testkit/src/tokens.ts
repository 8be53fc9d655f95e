import { stack } from './stack';

// Real access tokens from the local Keycloak for the demo users and clients.

const cache = new Map<string, { token: string; expiresAt: number }>();

async function requestToken(form: Record<string, string>): Promise<{ access_token: string; expires_in: number }> {
  const response = await fetch(stack.tokenUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form),
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok)
    throw new Error(`token request for ${form.username ?? form.client_id} failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { access_token: string; expires_in: number };
}

async function cached(key: string, form: Record<string, string>): Promise<string> {
  const hit = cache.get(key);
  if (hit && hit.expiresAt > Date.now() + 30_000) return hit.token;
  const body = await requestToken(form);
  cache.set(key, { token: body.access_token, expiresAt: Date.now() + body.expires_in * 1000 });
  return body.access_token;
}

export const DEMO_PASSWORD = 'liaison';

/** Access token of a demo user (password grant through the public client liaison-web, or another public client). */
export function userToken(username: string, clientId = 'liaison-web'): Promise<string> {
  return cached(`user:${clientId}:${username}`, {
    grant_type: 'password',
    client_id: clientId,
    username,
    password: DEMO_PASSWORD,
    scope: 'openid',
  });
}

/** A fresh token every call (no cache), e.g. to watch a short-lived one expire. */
export async function freshUserToken(username: string, clientId: string): Promise<string> {
  return (await requestToken({ grant_type: 'password', client_id: clientId, username, password: DEMO_PASSWORD })).access_token;
}

/** Access token of a confidential client (client-credentials grant). */
export function clientToken(clientId: string, clientSecret: string): Promise<string> {
  return cached(`client:${clientId}`, { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret });
}

/** The `sub` of a token, i.e. the user id the services store as owner. */
export function subjectOf(token: string): string {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub as string;
}
