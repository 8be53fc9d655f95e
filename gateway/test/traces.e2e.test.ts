import { randomBytes } from 'node:crypto';
import {
  collectRecords,
  SpanKind,
  startOtlpReceiver,
  waitFor,
  type OtlpReceiver,
  type ReceivedSpan,
  type RecordCollector,
} from '@liaison/testkit';
import { apiCaller } from './http';
import { startPlatform, type Platform } from './platform';

// One trace from the caller to Kafka: the spans the gateway and the customer service export, and
// the trace context the event carries, must form a chain of parent → child edges across the
// processes. Exported over OTLP/HTTP to a receiver in the test, as to a collector in production.

let receiver: OtlpReceiver;
let platform: Platform;
let events: RecordCollector;
const call = apiCaller(() => platform.baseUrl);

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform('customer_traces', {
    OTEL_EXPORTER: 'otlp',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    OTEL_BSP_SCHEDULE_DELAY: '100',
  });
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
  await receiver?.stop();
});

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const spansOf = (traceId: string) => receiver.spans.filter((span) => span.traceId === traceId);

function one(spans: ReceivedSpan[], what: string, match: (span: ReceivedSpan) => boolean): ReceivedSpan {
  const found = spans.filter(match);
  if (found.length !== 1) throw new Error(`expected one ${what}, found ${found.length} in ${JSON.stringify(spans, null, 1)}`);
  return found[0];
}

async function createCustomer(name: string, traceparent?: string) {
  const created = await call('POST', '/customers', {
    user: 'rep.east.1',
    body: { name, kind: 'company' },
    headers: traceparent ? { traceparent } : {},
  });
  expect(created.status).toBe(201);
  const record = await waitFor(`CustomerCreated of ${name} on Kafka`, async () =>
    events.records.find((r) => r.key === created.body.id && r.headers.ce_type === 'liaison.events.v1.CustomerCreated'),
  );
  return { created, record };
}

describe('traces across the gateway, the customer service and Kafka', () => {
  it("continues the caller's trace: HTTP server → gRPC client → gRPC server → the event", async () => {
    const [traceId, callerSpanId] = [hex(16), hex(8)];
    const { created, record } = await createCustomer('宁波港口物流有限公司', `00-${traceId}-${callerSpanId}-01`);
    expect(created.headers.get('x-trace-id')).toBe(traceId);

    const spans = await waitFor('the spans of both processes', async () => {
      const found = spansOf(traceId);
      const services = new Set(found.map((span) => span.service));
      return services.has('gateway') && services.has('customer') && found.length >= 3 && found;
    });
    const httpServer = one(spans, 'gateway HTTP server span', (s) => s.service === 'gateway' && s.kind === SpanKind.Server);
    const grpcClient = one(spans, 'gateway gRPC client span', (s) => s.service === 'gateway' && s.kind === SpanKind.Client);
    const grpcServer = one(spans, 'customer gRPC server span', (s) => s.service === 'customer' && s.kind === SpanKind.Server);

    expect(httpServer.parentSpanId).toBe(callerSpanId);
    expect(httpServer.attributes['http.route']).toBe('/api/v1/customers');
    expect(grpcClient.parentSpanId).toBe(httpServer.spanId);
    expect(grpcClient.name).toContain('CustomerService/CreateCustomer');
    expect(grpcServer.parentSpanId).toBe(grpcClient.spanId);
    expect(grpcServer.name).toContain('CustomerService/CreateCustomer');
    // The event was written inside the RPC: its context names the server span (or one below it).
    const [, eventTraceId, eventParentId, flags] = record.headers.traceparent.split('-');
    expect({ eventTraceId, flags }).toEqual({ eventTraceId: traceId, flags: '01' });
    const customerSpanIds = spans.filter((span) => span.service === 'customer').map((span) => span.spanId);
    expect(customerSpanIds).toContain(eventParentId);
  });

  it('starts a trace at the gateway when the caller sends none', async () => {
    const { created, record } = await createCustomer('温州眼镜制造有限公司');
    const traceId = created.headers.get('x-trace-id')!;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await waitFor('the spans of both processes', async () => {
      const found = spansOf(traceId);
      return found.some((span) => span.service === 'customer') && found;
    });
    const root = one(spans, 'root span', (s) => s.parentSpanId === '');
    expect(root).toMatchObject({ service: 'gateway', kind: SpanKind.Server });
    expect(record.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  });

  it('records nothing for a caller that asks not to sample, and still carries its trace id', async () => {
    const traceId = hex(16);
    const { created, record } = await createCustomer('嘉兴丝绸有限公司', `00-${traceId}-${hex(8)}-00`);
    expect(created.headers.get('x-trace-id')).toBe(traceId);
    expect(record.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-00$`));
    // Spans of a sampled request made after it arrive, so the exporters have flushed by then.
    const later = await createCustomer('湖州竹业有限公司', `00-${hex(16)}-${hex(8)}-01`);
    const laterTrace = later.created.headers.get('x-trace-id')!;
    await waitFor('the later trace exported', async () => spansOf(laterTrace).some((span) => span.service === 'customer'));
    expect(spansOf(traceId)).toEqual([]);
  });
});
