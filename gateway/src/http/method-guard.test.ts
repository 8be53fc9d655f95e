import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { methodGuard } from './method-guard';

// The guard in front of a stand-in API: what it lets through reaches the routes (200), the rest
// of the known paths is 405 with Allow, unknown paths fall through to 404.

const ROUTES = [
  { method: 'get', path: '/customers' },
  { method: 'post', path: '/customers' },
  { method: 'get', path: '/customers/export' },
  { method: 'get', path: '/customers/{id}' },
  { method: 'patch', path: '/customers/{id}' },
];

let server: http.Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(methodGuard(ROUTES));
  app.use((req, res) => void res.status(req.path.startsWith('/customers') ? 200 : 404).end());
  server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const send = (method: string, path: string) => fetch(`${base}${path}`, { method });

describe('methods of known paths', () => {
  it('lets served methods through, HEAD wherever GET is served', async () => {
    expect((await send('GET', '/customers')).status).toBe(200);
    expect((await send('POST', '/customers')).status).toBe(200);
    expect((await send('HEAD', '/customers/2f1c')).status).toBe(200);
  });

  it('answers 405 problem+json with the methods the path serves in Allow', async () => {
    const reply = await send('DELETE', '/customers/2f1c');
    expect(reply.status).toBe(405);
    expect(reply.headers.get('allow')).toBe('GET, HEAD, PATCH, OPTIONS');
    expect(reply.headers.get('content-type')).toContain('application/problem+json');
    expect(await reply.json()).toMatchObject({ status: 405, code: 'method_not_allowed' });
    expect((await send('PUT', '/Customers/')).headers.get('allow')).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('lets a concrete path win over a templated one, as OpenAPI matches them', async () => {
    // /customers/export would also be a /customers/{id}, which takes PATCH.
    const reply = await send('PATCH', '/customers/export');
    expect({ status: reply.status, allow: reply.headers.get('allow') }).toEqual({ status: 405, allow: 'GET, HEAD, OPTIONS' });
    expect((await send('GET', '/customers/export')).status).toBe(200);
  });

  it('answers OPTIONS with Allow and leaves unknown paths to the 404', async () => {
    const options = await send('OPTIONS', '/customers');
    expect({ status: options.status, allow: options.headers.get('allow') }).toEqual({ status: 204, allow: 'GET, HEAD, POST, OPTIONS' });
    expect((await send('DELETE', '/nowhere')).status).toBe(404);
    // A parameter is one segment: /customers/1/2 is no known path, so the guard lets it pass.
    expect((await send('DELETE', '/customers/1/2')).status).toBe(200);
  });
});
