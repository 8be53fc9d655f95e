import type { Metadata } from '@grpc/grpc-js';
import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  isSpanContextValid,
  type Context,
  type Span,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';

// The spans at a process's doors, made where the gateway takes a request, where a gRPC client
// sends a call and where the gRPC server runs it: W3C trace context in and out, one span each.
// The OpenTelemetry HTTP and gRPC auto-instrumentations did the same by patching the modules and
// binding every emitter: about a tenth of the gateway's CPU in a profile of scripts/bench.
// Kafka has its own doors in libs/events (the outbox writes the context, consumers continue it).

const tracer = trace.getTracer('liaison');

const metadataGetter: TextMapGetter<Metadata> = {
  keys: (metadata) => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key);
    return values.length ? values.map(String) : undefined;
  },
};
const metadataSetter: TextMapSetter<Metadata> = { set: (metadata, key, value) => metadata.set(key, value) };

/** `/liaison.customer.v1.CustomerService/GetCustomer` → its span name and rpc.* attributes. */
function rpcAttributes(path: string) {
  const [service, method] = path.replace(/^\//, '').split('/');
  return { name: `${service}/${method}`, attributes: { 'rpc.system': 'grpc', 'rpc.service': service, 'rpc.method': method } };
}

function endRpcSpan(span: Span, code: number, details?: string): void {
  span.setAttribute('rpc.grpc.status_code', code);
  if (code !== 0) span.setStatus({ code: SpanStatusCode.ERROR, message: details });
  span.end();
}

/**
 * Runs a gRPC handler in a server span that continues the caller's trace (from the call's
 * metadata); `finish` ends it with the call's status code.
 */
export function rpcServerSpan(path: string, metadata: Metadata): { context: Context; finish: (code: number, details?: string) => void } {
  const parent = propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
  const { name, attributes } = rpcAttributes(path);
  const span = tracer.startSpan(name, { kind: SpanKind.SERVER, attributes }, parent);
  return { context: trace.setSpan(parent, span), finish: (code, details) => endRpcSpan(span, code, details) };
}

/**
 * A client span for a call about to be sent from the active context, its context written into
 * the call's metadata; `finish` ends it with the status the call ended with.
 */
export function rpcClientSpan(path: string, metadata: Metadata): (code: number, details?: string) => void {
  const parent = context.active();
  const { name, attributes } = rpcAttributes(path);
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes }, parent);
  propagation.inject(trace.setSpan(parent, span), metadata, metadataSetter);
  return (code, details) => endRpcSpan(span, code, details);
}

export interface HttpServerSpan {
  /** The request's context: run the rest of its handling in it. */
  context: Context;
  /** Undefined when tracing is off (no SDK started, e.g. in unit tests). */
  traceId: string | undefined;
  /** Ends the span with the route template that served the request (or none) and the status. */
  finish: (route: string | undefined, status: number) => void;
}

/** A server span for an HTTP request, continuing the trace context of its headers. */
export function httpServerSpan(method: string, path: string, headers: Record<string, unknown>): HttpServerSpan {
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const span = tracer.startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method, 'url.path': path } }, parent);
  return {
    context: trace.setSpan(parent, span),
    traceId: isSpanContextValid(span.spanContext()) ? span.spanContext().traceId : undefined,
    finish(route, status) {
      if (route) {
        span.updateName(`${method} ${route}`);
        span.setAttribute('http.route', route);
      }
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
