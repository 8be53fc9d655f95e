import { userToken } from '@liaison/testkit';

// How end-to-end tests talk to the gateway: one request as a demo user (or with a raw token, or
// anonymously), the reply with its body parsed, and the problem+json assertion every file needs.

export interface Reply {
  status: number;
  /** The content-type header, '' when absent. */
  type: string;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many shapes, read by the tests
  body: Record<string, any>;
}

export interface CallOptions {
  /** A demo user (password `liaison`) whose access token is sent. */
  user?: string;
  /** A token to send as is (expired, forged…); wins over `user`. */
  token?: string;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as is, with `headers['content-type']` or JSON's. */
  rawBody?: string;
  /** Sent as text/csv. */
  csv?: string;
  headers?: Record<string, string>;
}

/** `call(method, path, user, body, headers)` for the common case, `call(method, path, options)` for the rest. */
export type Call = (
  method: string,
  path: string,
  userOrOptions?: string | CallOptions,
  body?: unknown,
  headers?: Record<string, string>,
) => Promise<Reply>;

export function apiCaller(baseUrl: () => string): Call {
  return async (method, path, userOrOptions, body, extraHeaders) => {
    const options: CallOptions =
      typeof userOrOptions === 'string' || userOrOptions === undefined
        ? { user: userOrOptions, body, headers: extraHeaders }
        : { ...userOrOptions };
    const token = options.token ?? (options.user ? await userToken(options.user) : undefined);
    const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
    const { content, type } = encodeBody(options);
    if (type) headers['content-type'] = type;
    Object.assign(headers, options.headers);
    const response = await fetch(`${baseUrl()}${path}`, { method, headers, body: content });
    const text = await response.text();
    return {
      status: response.status,
      type: response.headers.get('content-type') ?? '',
      headers: response.headers,
      body: text ? JSON.parse(text) : {},
    };
  };
}

function encodeBody(options: CallOptions): { content?: string; type?: string } {
  if (options.body !== undefined) return { content: JSON.stringify(options.body), type: 'application/json' };
  if (options.csv !== undefined) return { content: options.csv, type: 'text/csv; charset=utf-8' };
  if (options.rawBody !== undefined) return { content: options.rawBody, type: 'application/json' };
  return {};
}

/** The reply is a problem+json document with this status and stable `code`. */
export function expectProblem(reply: Reply, status: number, code: string): void {
  expect({ status: reply.status, code: reply.body.code }).toEqual({ status, code });
  expect(reply.type).toContain('application/problem+json');
}
