import { AppError, isUuid, requireUuid, type FieldViolation } from '@liaison/runtime';

// Input rules shared by the bulk and maintenance use cases: id lists, free-text reasons, page
// sizes and opaque page tokens.

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;
const MAX_REASON_LENGTH = 500;

export function checkId(id: string, field: string): string {
  return requireUuid(id, field);
}

/** 1..max UUIDs, lower-cased, each once, in the order first given. */
export function checkIdList(ids: string[], field: string, max: number): string[] {
  if (ids.length === 0) throw AppError.invalid(`${field} is empty`, [{ field, message: 'name at least one customer' }]);
  if (ids.length > max) throw AppError.invalid(`${field} is too long`, [{ field, message: `at most ${max} ids per call` }]);
  const violations: FieldViolation[] = ids.flatMap((id, index) =>
    isUuid(id) ? [] : [{ field: `${field}[${index}]`, message: 'must be a UUID' }],
  );
  if (violations.length > 0) throw AppError.invalid(`${field} holds malformed ids`, violations);
  return [...new Set(ids.map((id) => id.toLowerCase()))];
}

/** NFC, trimmed, at most 500 characters; empty is no reason. */
export function checkReason(reason: string, field = 'reason'): string | null {
  const cleaned = reason.normalize('NFC').trim();
  if ([...cleaned].length > MAX_REASON_LENGTH) {
    throw AppError.invalid(`${field} is too long`, [{ field, message: `must be at most ${MAX_REASON_LENGTH} characters` }]);
  }
  return cleaned || null;
}

export function checkPageSize(pageSize: number): number {
  const size = pageSize === 0 ? DEFAULT_PAGE_SIZE : pageSize;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw AppError.invalid('page size out of range', [{ field: 'page.page_size', message: `must be 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}

/** Names each missing id (the caller's own input, so naming it discloses nothing). */
export function notFoundError(what: string, field: string, requested: string[], missing: Set<string>): AppError {
  const violations = requested.filter((id) => missing.has(id)).map((id) => ({ field, message: `no such ${what}: ${id}` }));
  return new AppError('not_found', `${violations.length} of the ${requested.length} ${what}s not found`, violations);
}

// A page token names the listing it belongs to, so that a token of one listing is refused by
// another instead of answering a wrong page.
export function encodePageToken(listing: string, position: string[]): string {
  return Buffer.from(JSON.stringify({ l: listing, p: position })).toString('base64url');
}

export function decodePageToken(token: string, listing: string, isValid: (position: string[]) => boolean): string[] | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { l?: unknown; p?: unknown };
    const position = parsed.p;
    if (
      parsed.l === listing &&
      Array.isArray(position) &&
      position.every((part) => typeof part === 'string' && part.length <= 100) &&
      isValid(position)
    ) {
      return position as string[];
    }
  } catch {
    // refused below
  }
  throw AppError.invalid('page_token is not valid', [
    { field: 'page.page_token', message: 'use next_page_token of a previous response of the same listing' },
  ]);
}
