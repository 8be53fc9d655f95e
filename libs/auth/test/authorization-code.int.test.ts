// The web console's login: authorization code with PKCE (S256) through the public client
// liaison-web, against the realm of the local stack (`scripts/stack up`). No browser: plain HTTP
// with manual redirects and the login page's cookies, which is all a browser does here.
import { createHash, randomBytes } from 'node:crypto';
import { stack } from '@liaison/testkit';
import { createTokenVerifier } from '../src';

const CLIENT_ID = 'liaison-web';
const APP_ORIGIN = 'http://localhost:5173';
const REDIRECT_URI = `${APP_ORIGIN}/callback`;
const AUTHORIZE_URL = `${stack.issuer}/protocol/openid-connect/auth`;
const LOGOUT_URL = `${stack.issuer}/protocol/openid-connect/logout`;
const REP = { username: 'rep.east.1', password: 'liaison', userId: 'a095fe36-6afb-5692-a3d4-adc8ce78847c' };

const verifier = createTokenVerifier({ issuer: stack.issuer, audience: 'liaison-api' });

interface Pkce {
  verifier: string;
  challenge: string;
}

interface Tokens {
  access_token: string;
  id_token: string;
  refresh_token: string;
}

function newPkce(): Pkce {
  const codeVerifier = randomBytes(32).toString('base64url');
  return { verifier: codeVerifier, challenge: createHash('sha256').update(codeVerifier).digest('base64url') };
}

function authorizeRequest(pkce: Pkce, state: string, overrides: Record<string, string | undefined> = {}): string {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    state,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const defined = Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined);
  return `${AUTHORIZE_URL}?${new URLSearchParams(defined)}`;
}

function get(url: string): Promise<Response> {
  return fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
}

function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', body: new URLSearchParams(form), headers, redirect: 'manual', signal: AbortSignal.timeout(10_000) });
}

/** The `name=value` pairs of the response's cookies, as a browser sends them back. */
function cookiesOf(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

/** The login form's action: Keycloak's page escapes `&` in it as an HTML attribute. */
function loginFormAction(html: string): string | undefined {
  const form = /<form\b[^>]*\bid="kc-form-login"[^>]*>/.exec(html)?.[0];
  const action = form && /\baction="([^"]*)"/.exec(form)?.[1];
  return action?.replace(/&amp;/g, '&');
}

/** The browser's part: open the authorization request, submit the login form, follow nothing further. */
async function signIn(authorizeUrl: string): Promise<URL> {
  const page = await get(authorizeUrl);
  expect(page.status).toBe(200);
  const action = loginFormAction(await page.text());
  expect(action).toBeDefined();
  const submitted = await postForm(action!, { username: REP.username, password: REP.password }, { cookie: cookiesOf(page) });
  expect(submitted.status).toBe(302);
  return new URL(submitted.headers.get('location')!);
}

/** A fresh authorization code for the rep, after checking the callback is ours and carries our state. */
async function authorizationCode(pkce: Pkce): Promise<string> {
  const state = randomBytes(16).toString('base64url');
  const callback = await signIn(authorizeRequest(pkce, state));
  expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
  expect(callback.searchParams.get('state')).toBe(state);
  expect(callback.searchParams.get('iss')).toBe(stack.issuer);
  return callback.searchParams.get('code')!;
}

function redeem(code: string, codeVerifier: string | undefined, origin = APP_ORIGIN): Promise<Response> {
  const form: Record<string, string> = { grant_type: 'authorization_code', client_id: CLIENT_ID, code, redirect_uri: REDIRECT_URI };
  if (codeVerifier !== undefined) form.code_verifier = codeVerifier;
  return postForm(stack.tokenUrl, form, { origin });
}

async function signedInTokens(): Promise<Tokens> {
  const pkce = newPkce();
  const response = await redeem(await authorizationCode(pkce), pkce.verifier);
  expect(response.status).toBe(200);
  return (await response.json()) as Tokens;
}

describe('liaison-web: authorization code with PKCE', () => {
  it('signs the rep in and issues an access token the platform accepts as that rep', async () => {
    const pkce = newPkce();
    const response = await redeem(await authorizationCode(pkce), pkce.verifier);

    expect(response.status).toBe(200);
    // The console runs on its own origin and calls the token endpoint cross-origin.
    expect(response.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    const { access_token: accessToken } = (await response.json()) as Tokens;
    const rep = await verifier.verify(accessToken);
    expect(rep).toMatchObject({ userId: REP.userId, username: REP.username, kind: 'user', clientId: CLIENT_ID, units: ['/Sales/East'] });
    expect(rep.roles).toContain('sales-rep');
  });

  it('signs out back to the app and ends the session', async () => {
    const tokens = await signedInTokens();
    const logout = await get(
      `${LOGOUT_URL}?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: `${APP_ORIGIN}/`, state: 'bye' })}`,
    );

    expect(logout.status).toBe(302);
    expect(logout.headers.get('location')).toBe(`${APP_ORIGIN}/?state=bye`);
    const refresh = await postForm(stack.tokenUrl, {
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: tokens.refresh_token,
    });
    expect(refresh.status).toBe(400);
    expect(await refresh.json()).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('liaison-web: what PKCE and the client settings refuse', () => {
  it.each([
    ['a wrong code_verifier', newPkce().verifier],
    ['no code_verifier', undefined],
  ])('refuses to redeem a code with %s', async (_case, codeVerifier) => {
    const code = await authorizationCode(newPkce());
    const response = await redeem(code, codeVerifier);

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: 'invalid_grant' });
  });

  it.each([
    ['without a code_challenge', { code_challenge: undefined, code_challenge_method: undefined }],
    ['with the plain method instead of S256', { code_challenge_method: 'plain' }],
  ])('refuses an authorization request %s before any login', async (_case, overrides) => {
    const state = 'no-pkce';
    const response = await get(authorizeRequest(newPkce(), state, overrides));

    // The redirect URI is valid, so the error goes back to the app, as OAuth prescribes.
    expect(response.status).toBe(302);
    const callback = new URL(response.headers.get('location')!);
    expect(`${callback.origin}${callback.pathname}`).toBe(REDIRECT_URI);
    expect(callback.searchParams.get('error')).toBe('invalid_request');
    expect(callback.searchParams.get('state')).toBe(state);
    expect(callback.searchParams.has('code')).toBe(false);
  });

  it.each(['http://localhost:3000/callback', 'http://127.0.0.1:4200/', 'https://attacker.example/callback'])(
    'refuses the redirect URI %s, which is not on the list, without redirecting',
    async (redirectUri) => {
      const response = await get(authorizeRequest(newPkce(), 'elsewhere', { redirect_uri: redirectUri }));

      expect(response.status).toBe(400);
      expect(response.headers.get('location')).toBeNull();
      const page = await response.text();
      expect(page).toContain('Invalid parameter: redirect_uri');
      expect(loginFormAction(page)).toBeUndefined();
    },
  );

  it('refuses to redeem a code from a page on another origin', async () => {
    const pkce = newPkce();
    const response = await redeem(await authorizationCode(pkce), pkce.verifier, 'http://localhost:3000');

    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a post-logout redirect that is not on the list', async () => {
    const query = new URLSearchParams({ client_id: CLIENT_ID, post_logout_redirect_uri: 'http://localhost:3000/' });
    const response = await get(`${LOGOUT_URL}?${query}`);

    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
  });
});
