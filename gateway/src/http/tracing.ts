import { context } from '@opentelemetry/api';
import type { Request, RequestHandler } from 'express';
import { httpServerSpan } from '@liaison/runtime';

// Each request through the gateway is a server span continuing the caller's trace (W3C
// traceparent), and its trace id is answered in X-Trace-Id so that a user's report can be found.
// The rest of the request runs in the span's context: the gRPC calls it makes are its children.

const UNTRACED = new Set(['/metrics', '/healthz', '/readyz']);

/** The route template that served a request (never the raw path: ids would explode the set). */
export function routeOf(req: Request): string | undefined {
  return req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : undefined;
}

export function traceRequests(): RequestHandler {
  return (req, res, next) => {
    if (UNTRACED.has(req.path)) return next();
    const span = httpServerSpan(req.method, req.path, req.headers);
    res.locals.traceContext = span.context;
    if (span.traceId) res.setHeader('X-Trace-Id', span.traceId);
    res.once('close', () => span.finish(routeOf(req), res.statusCode));
    context.with(span.context, next);
  };
}

/**
 * Body parsers go on from the socket's callbacks, outside the request's context; placed after
 * them, this brings the request back into it.
 */
export function resumeTrace(): RequestHandler {
  return (_req, res, next) => {
    const traceContext = res.locals.traceContext as ReturnType<typeof context.active> | undefined;
    if (traceContext) context.with(traceContext, next);
    else next();
  };
}
