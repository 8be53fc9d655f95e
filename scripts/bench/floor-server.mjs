// The floor of the gateway benchmark: what a create or a read of a customer costs at the least on
// this machine. One node:http process that verifies the caller's token with jose (RS256 against
// the realm's JWKS, as the gateway does, but on every request) and runs the customer service's
// own handler and use case on PostgreSQL: the same SQL, the same outbox row (published by an
// outbox relay like the service's), the same JSON as the gateway answers. What the real path adds
// on top (Express, validation, the gRPC hop, the service's pipeline) is the gateway's own cost.
//
//   POST /api/v1/customers          create (201 + the customer JSON)
//   GET  /api/v1/customers/{id}     read   (200 + the customer JSON)
//
// Plain JavaScript run by plain `node` on the built dist/ of the libs, the service and the
// gateway (the bench builds them first), so nothing is transpiled at run time.
import http from 'node:http';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { createRemoteJWKSet, jwtVerify } = require('jose');
const { principalFromClaims } = require('@liaison/auth');
const { createPool, createLogger, inTransaction } = require('@liaison/runtime');
const { OutboxRelay } = require('@liaison/events');
const { Kafka } = require('kafkajs');
const { CustomerService } = require('../../services/customer/dist/domain/customer-service.js');
const { customerHandlers } = require('../../services/customer/dist/grpc/customer-handlers.js');
const { createRequestFromJson, customerToJson } = require('../../gateway/dist/routes/customer-json.js');

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`floor-server: set ${name}`);
  return value;
};
const issuer = env('OIDC_ISSUER');
const keys = createRemoteJWKSet(new URL(`${issuer}/protocol/openid-connect/certs`));
const pool = createPool(env('DATABASE_URL'));
const handlers = customerHandlers(new CustomerService(pool));
const logger = createLogger({ service: 'floor', level: 'warn' });
const kafka = new Kafka({ clientId: 'floor', brokers: env('KAFKA_BROKERS').split(','), logLevel: 0 });
const relay = new OutboxRelay({ pool, kafka, logger, topicPrefix: process.env.KAFKA_TOPIC_PREFIX ?? '' });
relay.start();

async function principalOf(req) {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
  const { payload } = await jwtVerify(token, keys, { issuer, audience: 'liaison-api', algorithms: ['RS256'] });
  return principalFromClaims(payload, token);
}

function answer(res, status, value) {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
  res.end(body);
}

function bodyOf(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

async function handle(req, res) {
  if (req.url === '/readyz') return answer(res, 200, { ready: true });
  const principal = await principalOf(req);
  if (req.method === 'POST' && req.url === '/api/v1/customers') {
    const request = createRequestFromJson(await bodyOf(req), undefined);
    const { customer } = await inTransaction(pool, (tx) => handlers.createCustomer(request, { principal, tx }));
    return answer(res, 201, customerToJson(customer));
  }
  const id = /^\/api\/v1\/customers\/([0-9a-f-]{36})$/.exec(req.url ?? '')?.[1];
  if (req.method === 'GET' && id) {
    const { customer } = await handlers.getCustomer({ id }, { principal });
    return answer(res, 200, customerToJson(customer));
  }
  answer(res, 404, { code: 'route_not_found' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((error) => answer(res, 500, { code: 'internal', detail: String(error?.message ?? error) }));
});
// Same keep-alive timeout as the gateway (gateway/src/server.ts), so connection reuse matches.
server.keepAliveTimeout = 65_000;
server.listen(Number(env('PORT')), '127.0.0.1');

const stop = () =>
  server.close(() => {
    void relay
      .stop()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  });
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
