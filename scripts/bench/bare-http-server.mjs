// Baseline for the gateway benchmarks: the cheapest possible node:http server, started as its own
// process on the same machine so that a run can say how far the real gateway path is from
// "Node answering HTTP with nothing behind it".
//
//   GET  (any path)  -> 200 with BARE_GET_BODY (the bench passes a real customer JSON, so the
//                       response has the same size as GET /api/v1/customers/{id})
//   POST (any path)  -> 201 echoing the request body (the bench posts the same create JSON it
//                       sends to the gateway)
//
// Plain JavaScript run by plain `node` on purpose: no tsx loader, no framework, no logging.
import http from 'node:http';

const port = Number(process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  process.stderr.write('bare-http-server: set PORT\n');
  process.exit(2);
}
const getBody = Buffer.from(process.env.BARE_GET_BODY ?? '{"status":"ok"}', 'utf8');

const server = http.createServer((req, res) => {
  if (req.method === 'POST' || req.method === 'PUT' || req.method === 'PATCH') {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
      res.end(body);
    });
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': getBody.length });
  res.end(getBody);
});

// Same keep-alive timeout as the gateway (gateway/src/server.ts), so connection reuse matches.
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
