import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, createClientCredentialsSource, fetchPasswordToken } from './index';

type Handler = (form: URLSearchParams, response: ServerResponse) => void;

interface TokenEndpoint {
  url: string;
  requests: URLSearchParams[];
  handle(handler: Handler): void;
  close(): Promise<void>;
}

async function startTokenEndpoint(): Promise<TokenEndpoint> {
  const requests: URLSearchParams[] = [];
  let handler: Handler = (_form, response) => respond(response, 500, {});
  const server: Server = createServer(async (request: IncomingMessage, response) => {
    const form = new URLSearchParams(await bodyOf(request));
    requests.push(form);
    handler(form, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    requests,
    handle: (next) => {
      handler = next;
    },
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function bodyOf(request: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of request) body += chunk;
  return body;
}

function respond(response: ServerResponse, status: number, body: object): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function issuing(expiresIn: number, delayMs = 0): Handler {
  let issued = 0;
  return (_form, response) => {
    issued += 1;
    const token = `token-${issued}`;
    setTimeout(() => respond(response, 200, { access_token: token, expires_in: expiresIn, token_type: 'Bearer' }), delayMs);
  };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  return error instanceof AuthError ? error.code : `not an AuthError: ${String(error)}`;
}

describe('createClientCredentialsSource', () => {
  let endpoint: TokenEndpoint;
  let clock: number;
  const now = () => clock;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint();
    clock = 1_000_000;
  });

  afterEach(() => endpoint.close());

  const source = (extra: { refreshSkewSec?: number; timeoutMs?: number } = {}) =>
    createClientCredentialsSource({
      tokenUrl: endpoint.url,
      clientId: 'erp-connector',
      clientSecret: 'erp-connector-secret',
      now,
      ...extra,
    });

  it('sends a client credentials grant with the client id and secret', async () => {
    endpoint.handle(issuing(300));
    await expect(source().getToken()).resolves.toBe('token-1');
    expect(Object.fromEntries(endpoint.requests[0])).toEqual({
      grant_type: 'client_credentials',
      client_id: 'erp-connector',
      client_secret: 'erp-connector-secret',
    });
  });

  it('reuses the token until the refresh skew before expiry, then refreshes', async () => {
    endpoint.handle(issuing(300));
    const tokens = source({ refreshSkewSec: 30 });
    expect(await tokens.getToken()).toBe('token-1');
    clock += 269_000;
    expect(await tokens.getToken()).toBe('token-1');
    expect(endpoint.requests).toHaveLength(1);
    clock += 1_000;
    expect(await tokens.getToken()).toBe('token-2');
    expect(endpoint.requests).toHaveLength(2);
  });

  it('shares one request among concurrent callers', async () => {
    endpoint.handle(issuing(300, 100));
    const tokens = source();
    const all = await Promise.all(Array.from({ length: 10 }, () => tokens.getToken()));
    expect(new Set(all)).toEqual(new Set(['token-1']));
    expect(endpoint.requests).toHaveLength(1);
  });

  it('does not cache a failure: the next call asks again', async () => {
    endpoint.handle((_form, response) => respond(response, 503, {}));
    const tokens = source();
    expect(await codeOf(tokens.getToken())).toBe('auth_unavailable');
    endpoint.handle(issuing(300));
    expect(await tokens.getToken()).toBe('token-1');
  });

  it('reports rejected credentials distinctly from an outage', async () => {
    endpoint.handle((_form, response) => respond(response, 401, { error: 'invalid_client' }));
    expect(await codeOf(source().getToken())).toBe('credentials_rejected');
  });

  it('treats a response without an access token as an outage', async () => {
    endpoint.handle((_form, response) => respond(response, 200, { token_type: 'Bearer' }));
    expect(await codeOf(source().getToken())).toBe('auth_unavailable');
  });

  it('gives up on a token endpoint that does not answer in time', async () => {
    endpoint.handle(() => undefined);
    const started = Date.now();
    expect(await codeOf(source({ timeoutMs: 200 }).getToken())).toBe('auth_unavailable');
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('reports an unreachable token endpoint as an outage', async () => {
    const tokens = createClientCredentialsSource({ tokenUrl: 'http://127.0.0.1:1/token', clientId: 'c', clientSecret: 's' });
    expect(await codeOf(tokens.getToken())).toBe('auth_unavailable');
  });
});

describe('fetchPasswordToken', () => {
  let endpoint: TokenEndpoint;

  beforeEach(async () => {
    endpoint = await startTokenEndpoint();
  });

  afterEach(() => endpoint.close());

  it('sends a password grant and returns the access token', async () => {
    endpoint.handle(issuing(300));
    const token = await fetchPasswordToken({
      tokenUrl: endpoint.url,
      clientId: 'liaison-web',
      username: 'rep.east.1',
      password: 'liaison',
    });
    expect(token).toBe('token-1');
    expect(Object.fromEntries(endpoint.requests[0])).toEqual({
      grant_type: 'password',
      client_id: 'liaison-web',
      username: 'rep.east.1',
      password: 'liaison',
    });
  });

  it('reports wrong user credentials as rejected', async () => {
    endpoint.handle((_form, response) => respond(response, 401, { error: 'invalid_grant' }));
    const attempt = fetchPasswordToken({ tokenUrl: endpoint.url, clientId: 'liaison-web', username: 'x', password: 'y' });
    expect(await codeOf(attempt)).toBe('credentials_rejected');
  });
});
