import { AppError } from './errors';

// Keyset paging, once for every list of every service. A page token is opaque to clients:
// base64url JSON naming the list it belongs to, an optional binding (the sort order, the parent
// record) and the cursor. A token given to another list, sort or parent is refused rather than
// answered with a wrong page, and a forged cursor never reaches SQL unchecked: each list reads
// its cursor back through a validator.

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

// Real tokens are well under this; anything longer is junk, refused before decoding.
const MAX_TOKEN_LENGTH = 2000;
const MAX_BIGINT = 9223372036854775807n;

export interface PageSizeLimits {
  default: number;
  max: number;
}

/** The page size of a request (0 = the default), refused unless 1..max. */
export function pageSizeOf(requested: number, limits: PageSizeLimits = { default: DEFAULT_PAGE_SIZE, max: MAX_PAGE_SIZE }): number {
  const size = requested === 0 ? limits.default : requested;
  if (!Number.isInteger(size) || size < 1 || size > limits.max) {
    throw AppError.invalid('page size out of range', [{ field: 'page_size', message: `must be 1 to ${limits.max}` }]);
  }
  return size;
}

export interface PageTokens<C> {
  encode(cursor: C, binding?: string): string;
  /** The cursor of a token ('' = first page: undefined); invalid_argument for any other token. */
  decode(token: string, binding?: string): C | undefined;
}

/** Tokens of one list; `read` returns the typed cursor of a decoded value, undefined if malformed. */
export function pageTokens<C>(list: string, read: (cursor: unknown) => C | undefined): PageTokens<C> {
  return {
    encode: (cursor, binding = '') => Buffer.from(JSON.stringify({ l: list, b: binding, c: cursor })).toString('base64url'),
    decode(token, binding = '') {
      if (!token) return undefined;
      const cursor = token.length <= MAX_TOKEN_LENGTH ? parse(token) : undefined;
      const value = cursor && cursor.l === list && cursor.b === binding ? read(cursor.c) : undefined;
      if (value === undefined) {
        throw AppError.invalid('page_token is not valid', [
          { field: 'page_token', message: 'use next_page_token of a previous response of the same list' },
        ]);
      }
      return value;
    },
  };
}

/** Tokens of a list paged by a bigint sequence number alone (newest first, or in any fixed order). */
export function seqPageTokens(list: string): PageTokens<string> {
  return pageTokens(list, (cursor) => (isSeq(cursor) ? cursor : undefined));
}

function parse(token: string): { l?: unknown; b?: unknown; c?: unknown } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return typeof parsed === 'object' && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A bigint sequence number as text, within PostgreSQL's bigint range. */
export function isSeq(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,19}$/.test(value) && BigInt(value) <= MAX_BIGINT;
}

/** A plain object, for reading compound cursors field by field. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An ISO-8601 UTC timestamp as toISOString() writes it (what cursors store for times). */
export function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(value) && !Number.isNaN(Date.parse(value));
}
