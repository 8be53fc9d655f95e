import { AppError } from './errors';

// Optimistic concurrency, once: a write names the version it read, and loses to any write that
// landed in between (version_conflict → HTTP 412).

/** The version a write is based on: an integer from 1, else invalid_argument on the field. */
export function requireExpectedVersion(value: number, field = 'expected_version'): number {
  if (!Number.isSafeInteger(value) || value < 1) {
    throw AppError.invalid(`${field} is required`, [{ field, message: 'must be the version you read (1 or more)' }]);
  }
  return value;
}

/** Refuses a write based on another version than the current one; `what` names the record. */
export function checkVersion(what: string, current: number, expected: number): void {
  if (current !== expected) throw new AppError('version_conflict', `${what} was changed meanwhile: version is ${current}, not ${expected}`);
}
