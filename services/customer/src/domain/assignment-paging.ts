import { AppError } from '@liaison/runtime';

// Keyset paging of the pool and pending lists: newest first by seq. A token is bound to the list
// it came from, so that a pool token given to the pending list is an error, not a wrong page.

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export type PagedList = 'pool' | 'pending' | 'handovers';

export function pageSizeOf(requested: number): number {
  const size = requested === 0 ? DEFAULT_PAGE_SIZE : requested;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw AppError.invalid('page size out of range', [{ field: 'page_size', message: `must be 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}

export function encodeSeqToken(seq: string, list: PagedList): string {
  return Buffer.from(JSON.stringify({ l: list, s: seq })).toString('base64url');
}

export function decodeSeqToken(token: string, list: PagedList): string | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { l?: string; s?: string };
    if (parsed.l === list && typeof parsed.s === 'string' && /^\d{1,19}$/.test(parsed.s)) return parsed.s;
  } catch {
    // fall through to the error below
  }
  throw AppError.invalid('page_token is not valid', [
    { field: 'page_token', message: 'use next_page_token of a previous response of the same list' },
  ]);
}
