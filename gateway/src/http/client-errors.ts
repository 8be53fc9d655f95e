import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { problemOf } from './problem';

// Requests that Node refuses before Express sees them (a request line and headers over its
// size limit, bytes that are no HTTP) still answer problem+json with a stable code.

const REFUSALS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'headers_too_large', 'the request line and headers are too large; send long values in a body'],
};
const MALFORMED: [number, string, string] = [400, 'malformed_request', 'the request is not valid HTTP'];

export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, code, detail] = REFUSALS[error.code ?? ''] ?? MALFORMED;
    const problem = problemOf(status, code, detail);
    const body = JSON.stringify(problem);
    socket.end(
      `HTTP/1.1 ${status} ${problem.title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}
