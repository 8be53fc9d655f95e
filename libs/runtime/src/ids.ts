import { AppError } from './errors';

// Record ids are UUIDs (RFC 9562: versions 1–8, the RFC variant). Checking the form before a
// query turns a malformed id into a clear INVALID_ARGUMENT instead of a database cast error.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The id lower-cased; INVALID_ARGUMENT naming `field` when it is not a UUID. */
export function requireUuid(value: string, field: string): string {
  if (!isUuid(value)) throw AppError.invalid(`${field} must be a UUID`, [{ field, message: 'must be a UUID' }]);
  return value.toLowerCase();
}
