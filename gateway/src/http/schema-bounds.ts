import { Type } from '@sinclair/typebox';

// Numbers a request may carry are bounded by what the services store and protobuf carries, so
// that an out-of-range number is a 400 naming the field rather than a failure deeper down.

/** The largest protobuf int32 (step numbers, day counts, sort orders). */
export const INT32_MAX = 2_147_483_647;

/** A record's version: bigint in the store, and exact in JSON only up to 2^53 - 1. */
export function versionSchema(description?: string) {
  return Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...(description ? { description } : {}) });
}
