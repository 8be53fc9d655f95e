import { AppError } from '@liaison/runtime';

// A setting: a value administrators keep under a key. The rules every store applies alike.

export interface Setting {
  key: string;
  value: unknown;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

export interface PutCommand {
  key: string;
  value: unknown;
  /** 0 creates the setting; otherwise the version the caller read. */
  expectedVersion: number;
}

const KEY = /^[a-z][a-z0-9_.-]{0,99}$/;
// A setting is configuration, not data: a larger value belongs in a table of its own.
const MAX_VALUE_CHARACTERS = 16_384;

export function checkKey(key: string): string {
  if (!KEY.test(key)) {
    throw AppError.invalid('key is invalid', [
      { field: 'key', message: 'lower-case letters, digits, ".", "_" or "-", starting with a letter, at most 100' },
    ]);
  }
  return key;
}

export function checkValue(value: unknown): unknown {
  if (value === undefined || value === null) throw AppError.invalid('value is required', [{ field: 'value', message: 'is required' }]);
  if (JSON.stringify(value).length > MAX_VALUE_CHARACTERS) {
    throw AppError.invalid('value is too large', [{ field: 'value', message: `at most ${MAX_VALUE_CHARACTERS} characters of JSON` }]);
  }
  return value;
}

export function checkExpectedVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 0) {
    throw AppError.invalid('expected_version is invalid', [
      { field: 'expected_version', message: '0 to create, else the version you read' },
    ]);
  }
  return version;
}
