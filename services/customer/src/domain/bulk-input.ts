import { AppError, isUuid, requireUuid, type FieldViolation } from '@liaison/runtime';

// Input rules shared by the bulk and maintenance use cases: id lists and free-text reasons.

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

/** Names each missing id (the caller's own input, so naming it discloses nothing). */
export function notFoundError(what: string, field: string, requested: string[], missing: Set<string>): AppError {
  const violations = requested.filter((id) => missing.has(id)).map((id) => ({ field, message: `no such ${what}: ${id}` }));
  return new AppError('not_found', `${violations.length} of the ${requested.length} ${what}s not found`, violations);
}
