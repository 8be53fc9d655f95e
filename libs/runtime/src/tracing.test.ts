import { Metadata } from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { httpServerSpan, rpcClientSpan, rpcServerSpan } from './tracing';

// The real SDK with an in-memory exporter: the spans the doors make and the context they carry.

const exporter = new InMemorySpanExporter();
const contextManager = new AsyncLocalStorageContextManager();

beforeAll(() => {
  context.setGlobalContextManager(contextManager.enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }));
});

afterAll(() => {
  trace.disable();
  propagation.disable();
  context.disable();
});

beforeEach(() => exporter.reset());

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const CALLER_SPAN = '00f067aa0ba902b7';

describe('spans at the doors of a process', () => {
  it("continues an HTTP caller's trace and names the span by the route that served it", () => {
    const span = httpServerSpan('POST', '/api/v1/customers', { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    expect(span.traceId).toBe(TRACE_ID);
    span.finish('/api/v1/customers', 201);
    const [finished] = exporter.getFinishedSpans();
    expect(finished).toMatchObject({ name: 'POST /api/v1/customers', kind: SpanKind.SERVER, parentSpanContext: { spanId: CALLER_SPAN } });
    expect(finished.attributes).toMatchObject({ 'http.route': '/api/v1/customers', 'http.response.status_code': 201 });
  });

  it('marks a 5xx answer as an error and keeps the method as name when no route served it', () => {
    httpServerSpan('GET', '/nowhere', {}).finish(undefined, 503);
    const [finished] = exporter.getFinishedSpans();
    expect(finished.name).toBe('GET');
    expect(finished.status.code).toBe(SpanStatusCode.ERROR);
    expect(finished.parentSpanContext).toBeUndefined();
  });

  it('carries the trace from a gRPC client span through metadata to the server span', async () => {
    const request = httpServerSpan('GET', '/api/v1/customers/1', { traceparent: `00-${TRACE_ID}-${CALLER_SPAN}-01` });
    const metadata = new Metadata();
    const finishClient = context.with(request.context, () => rpcClientSpan('/liaison.customer.v1.CustomerService/GetCustomer', metadata));
    expect(String(metadata.get('traceparent')[0])).toMatch(new RegExp(`^00-${TRACE_ID}-[0-9a-f]{16}-01$`));

    const server = rpcServerSpan('/liaison.customer.v1.CustomerService/GetCustomer', metadata);
    // Work inside the server span sees it as active, across awaits.
    const activeInside = await context.with(server.context, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return trace.getActiveSpan()?.spanContext().spanId;
    });
    server.finish(5, 'customer 1 not found');
    finishClient(5, 'customer 1 not found');
    request.finish('/api/v1/customers/:id', 404);

    const [serverSpan, clientSpan, httpSpan] = exporter.getFinishedSpans();
    expect(activeInside).toBe(serverSpan.spanContext().spanId);
    expect(clientSpan).toMatchObject({ name: 'liaison.customer.v1.CustomerService/GetCustomer', kind: SpanKind.CLIENT });
    expect(clientSpan.parentSpanContext?.spanId).toBe(httpSpan.spanContext().spanId);
    expect(serverSpan).toMatchObject({ kind: SpanKind.SERVER, parentSpanContext: { spanId: clientSpan.spanContext().spanId } });
    expect(serverSpan.attributes).toMatchObject({
      'rpc.service': 'liaison.customer.v1.CustomerService',
      'rpc.method': 'GetCustomer',
      'rpc.grpc.status_code': 5,
    });
    expect(serverSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: 'customer 1 not found' });
    expect(new Set([serverSpan, clientSpan, httpSpan].map((span) => span.spanContext().traceId))).toEqual(new Set([TRACE_ID]));
  });

  it('starts a new trace for a call with no trace context', () => {
    const server = rpcServerSpan('/liaison.customer.v1.CustomerService/GetCustomer', new Metadata());
    server.finish(0);
    const [finished] = exporter.getFinishedSpans();
    expect(finished.parentSpanContext).toBeUndefined();
    expect(finished.status.code).toBe(SpanStatusCode.UNSET);
  });
});
