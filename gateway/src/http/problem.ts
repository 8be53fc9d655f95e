import type { ErrorRequestHandler, Response } from 'express';
import { trace } from '@opentelemetry/api';
import { AppError, HTTP_STATUS_BY_CODE, toAppError, type FieldViolation, type Logger } from '@liaison/runtime';

// Every error leaves the gateway as RFC 9457 application/problem+json with a stable `code`
// that clients can switch on; `detail` is for humans and may change.

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  violations?: FieldViolation[];
  traceId?: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** An error raised by the HTTP layer itself, before any service is called. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    readonly violations?: FieldViolation[],
  ) {
    super(detail);
  }
}

/** The problem+json document of an answer. */
export function problemOf(
  status: number,
  code: string,
  detail?: string,
  violations?: FieldViolation[],
  traceId = currentTraceId(),
): Problem {
  return {
    type: `https://liaison.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    ...(detail ? { detail } : {}),
    ...(violations?.length ? { violations } : {}),
    ...(traceId ? { traceId } : {}),
  };
}

export function sendProblem(res: Response, status: number, code: string, detail?: string, violations?: FieldViolation[]): void {
  if (status === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="liaison"');
  // The audit trail records how a write ended by this code.
  res.locals.problemCode = code;
  res
    .status(status)
    .type('application/problem+json')
    .send(JSON.stringify(problemOf(status, code, detail, violations, traceIdOf(res))));
}

function currentTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

// The request's trace (see http/tracing.ts), also where a body parser fails outside its context.
function traceIdOf(res: Response): string | undefined {
  return (res.getHeader('X-Trace-Id') as string | undefined) ?? currentTraceId();
}

// body-parser reports its own failures with a `type` and a status; map them to stable codes.
const BODY_PARSER_CODES: Record<string, [number, string, string]> = {
  'entity.parse.failed': [400, 'malformed_json', 'request body is not valid JSON'],
  'entity.too.large': [413, 'body_too_large', 'request body is too large'],
  'encoding.unsupported': [415, 'unsupported_encoding', 'unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_charset', 'request body must be UTF-8'],
};

export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    if (res.headersSent) return;
    if (error instanceof HttpProblem) return sendProblem(res, error.status, error.code, error.message, error.violations);
    const parserError = BODY_PARSER_CODES[(error as { type?: string })?.type ?? ''];
    if (parserError) return sendProblem(res, parserError[0], parserError[1], parserError[2]);
    const appError: AppError | undefined = toAppError(error);
    if (appError && appError.code !== 'internal') {
      return sendProblem(res, HTTP_STATUS_BY_CODE[appError.code], appError.reason ?? appError.code, appError.message, appError.violations);
    }
    logger.error({ err: error }, 'request failed');
    sendProblem(res, 500, 'internal', 'internal error');
  };
}
