import { Type } from '@sinclair/typebox';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@liaison/runtime';

// Paging between the REST API (`pageSize` / `pageToken` query parameters, `items` and
// `nextPageToken` in the reply, null on the last page) and gRPC (liaison.common.v1 PageRequest /
// PageResponse, where 0 and '' mean "default" and "no more").

// Real tokens are well under the services' limit (libs/runtime paging.ts); they are opaque here.
const MAX_PAGE_TOKEN_LENGTH = 2000;

/** A regular expression for the whole numbers 1 to max, written as digits without leading zeros. */
export function oneToPattern(max: number): string {
  const digits = String(max);
  const shorter = digits.length > 1 ? [`[1-9][0-9]{0,${digits.length - 2}}`] : [];
  const sameLength = [...digits].flatMap((digit, i) => {
    const lowest = i === 0 ? 1 : 0;
    const below = Number(digit) - 1;
    if (below < lowest) return [];
    return [`${digits.slice(0, i)}[${lowest}-${below}][0-9]{${digits.length - i - 1}}`];
  });
  return `^(?:${[...shorter, ...sameLength, digits].join('|')})$`;
}

/** The pageSize query parameter of a list: 1 up to the service's maximum for that list. */
export function pageSizeParameter(max = MAX_PAGE_SIZE, defaultSize = DEFAULT_PAGE_SIZE) {
  return Type.Optional(Type.String({ pattern: oneToPattern(max), description: `1 to ${max}, default ${defaultSize}.` }));
}

/** The pageToken query parameter: the nextPageToken of the previous page, as it came. */
export const PageTokenParameter = Type.Optional(
  Type.String({ maxLength: MAX_PAGE_TOKEN_LENGTH, description: 'nextPageToken of the previous page.' }),
);

export interface PageQuery {
  pageSize?: string;
  pageToken?: string;
}

/** The gRPC PageRequest of a validated query (pageSizeParameter allows digits only). */
export function pageFromQuery(query: PageQuery): { pageSize: number; pageToken: string } {
  return { pageSize: query.pageSize ? Number(query.pageSize) : 0, pageToken: query.pageToken ?? '' };
}

/** The REST `nextPageToken` of a gRPC PageResponse. */
export function nextPageTokenOf(page: { nextPageToken: string } | undefined): string | null {
  return page?.nextPageToken || null;
}
