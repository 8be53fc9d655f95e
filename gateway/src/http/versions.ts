import { Type } from '@sinclair/typebox';
import { HttpProblem } from './problem';

// Optimistic concurrency over REST: the version a write expects comes from If-Match (the ETag
// the client read) or from a `version` in the request, and one of them is required.

/** Accepts `"3"`, `W/"3"` or `3`; anything else is a 400. `record` names what the ETag is of. */
export function versionFromIfMatch(header: string | undefined, record: string): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match) throw new HttpProblem(400, 'invalid_if_match', `If-Match must be the ETag of the ${record}, e.g. "3"`);
  return Number(match[1]);
}

/** The expected version: 400 when header and request disagree, 428 when neither gives one. */
export function expectedVersion(ifMatch: string | undefined, requestVersion: number | undefined, record: string): number {
  const fromHeader = versionFromIfMatch(ifMatch, record);
  if (fromHeader !== undefined && requestVersion !== undefined && fromHeader !== requestVersion) {
    throw new HttpProblem(400, 'version_mismatch', 'If-Match and the version in the request disagree');
  }
  const version = fromHeader ?? requestVersion;
  if (version === undefined)
    throw new HttpProblem(428, 'precondition_required', `send If-Match with the ETag of the ${record} you read, or its version`);
  return version;
}

/** The ETag of a record's version, as If-Match takes it back: `"3"`. */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/** The If-Match request header of a versioned write, for the route's OpenAPI declaration. */
export const IF_MATCH_HEADER = {
  'If-Match': { description: 'ETag of the version being changed; or send body.version.', schema: Type.String() },
};
