// Paging between the REST API (`pageSize` / `pageToken` query parameters, `items` and
// `nextPageToken` in the reply, null on the last page) and gRPC (liaison.common.v1 PageRequest /
// PageResponse, where 0 and '' mean "default" and "no more").

export interface PageQuery {
  pageSize?: string;
  pageToken?: string;
}

/** The gRPC PageRequest of a validated query (the schemas allow 1..200 digits only). */
export function pageFromQuery(query: PageQuery): { pageSize: number; pageToken: string } {
  return { pageSize: query.pageSize ? Number(query.pageSize) : 0, pageToken: query.pageToken ?? '' };
}

/** The REST `nextPageToken` of a gRPC PageResponse. */
export function nextPageTokenOf(page: { nextPageToken: string } | undefined): string | null {
  return page?.nextPageToken || null;
}
