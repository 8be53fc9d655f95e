import { Type } from '@sinclair/typebox';
import type { TSchema } from '@sinclair/typebox';
import { ProblemSchema } from './problem-schema';

// The problem answers of the OpenAPI document, written once. The HTTP layer's own answers
// (validation, token, permission, body type and size, an unavailable service) are added to
// every route by the router, so a route lists only what its service may answer.

export interface ProblemResponse {
  description: string;
  schema: TSchema;
  headers?: Record<string, { description: string; schema: TSchema }>;
}

/** A problem+json answer with this description. */
export const problem = (description: string): ProblemResponse => ({ description, schema: ProblemSchema });

/** What the router may answer before a route's handler runs, or whatever the route. */
interface RequestShape {
  body?: unknown;
  textBody?: unknown;
  streamBody?: unknown;
  query?: unknown;
  params?: unknown;
  public?: boolean;
}

export function layerProblems(route: RequestShape): Record<number, ProblemResponse> {
  const hasBody = Boolean(route.body || route.textBody || route.streamBody);
  const problems: Record<number, ProblemResponse> = {
    401: problem('No valid access token (codes token_missing, token_invalid, token_expired, token_audience, token_issuer).'),
    403: problem('The caller lacks the permission (code forbidden).'),
    429: {
      ...problem('The user or the client made too many requests in the window (code rate_limited); Retry-After says when to try again.'),
      headers: { 'Retry-After': { description: 'Seconds until the limit is lifted.', schema: Type.Integer({ minimum: 1 }) } },
    },
    431: problem('The request line and headers are too large (code headers_too_large).'),
    503: problem('A service behind the gateway, or the identity provider, is unavailable; retry later.'),
    504: problem('A service behind the gateway did not answer in time.'),
  };
  if (route.public) {
    // No token is read, and the gateway's own identity holds the permission.
    delete problems[401];
    delete problems[403];
    problems[429] = {
      ...problems[429],
      description:
        'Too many requests from this address to this form, or to this form in all (code rate_limited); Retry-After says when to try again.',
    };
  }
  if (hasBody || route.query || route.params) {
    problems[400] = problem('The request is invalid: violations name each field (code validation_failed), or the body is not JSON.');
  }
  if (hasBody) {
    problems[413] = problem('The body is larger than the limit (code body_too_large).');
    problems[415] = problem('The body is not of a media type the operation takes (code unsupported_media_type).');
  }
  return problems;
}

/** A write with optimistic concurrency: If-Match or a version in the body. */
export function versionProblems(record: string): Record<number, ProblemResponse> {
  return {
    412: problem(`The ${record} changed since the given version.`),
    428: problem('Neither If-Match nor version was given.'),
  };
}
