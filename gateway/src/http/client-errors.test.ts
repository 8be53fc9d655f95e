import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { answerClientErrors } from './client-errors';

// What Node answers itself, before any middleware: here problem+json like every other answer.

let server: http.Server;
let port: number;

beforeAll(async () => {
  server = http.createServer((_req, res) => void res.end('ok'));
  answerClientErrors(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

function raw(request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.end(request));
    let answer = '';
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('requests Node refuses', () => {
  it('answers a request line and headers over the limit with 431 problem+json', async () => {
    const answer = await raw(`GET /api/v1/customers?q=${'x'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    const [head, body] = answer.split('\r\n\r\n');
    expect(head).toMatch(/^HTTP\/1.1 431 Request Header Fields Too Large/);
    expect(head).toContain('Content-Type: application/problem+json');
    expect(JSON.parse(body)).toMatchObject({ status: 431, code: 'headers_too_large' });
  });

  it('answers bytes that are no HTTP with 400 problem+json', async () => {
    const answer = await raw('NONSENSE\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1.1 400 Bad Request/);
    expect(JSON.parse(answer.split('\r\n\r\n')[1])).toMatchObject({ status: 400, code: 'malformed_request' });
  });
});
