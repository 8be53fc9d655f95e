import { Type, type Static } from '@sinclair/typebox';
import type { Pool } from '@liaison/runtime';
import { listAuditRecords } from '../audit/audit-records';
import type { ApiRouter } from '../http/api-router';
import { pageFromQuery, pageSizeParameter, PageTokenParameter } from '../http/paging';
import { named } from '../http/schema-names';

// GW-07: the audit trail of every write through the API, for administrators.

const Text = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 200, description }));

export const ListAuditRecordsQuery = Type.Object(
  {
    actorId: Text('Only writes of this user (Keycloak sub).'),
    operationId: Text('Only this operation, e.g. createCustomer.'),
    resourceType: Text('Only this resource, the first segment of the route, e.g. customers.'),
    resourceId: Text('Only writes to this record (with resourceType).'),
    outcome: Text('"ok" or a problem code, e.g. forbidden.'),
    from: Type.Optional(Type.String({ format: 'date-time', description: 'Written at or after.' })),
    to: Type.Optional(Type.String({ format: 'date-time', description: 'Written before.' })),
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

const AuditRecord = named(
  'AuditRecord',
  Type.Object({
    id: Type.String({ format: 'uuid' }),
    at: Type.String({ format: 'date-time' }),
    actor: Type.Object({ id: Type.String(), name: Type.String(), clientId: Type.String() }),
    method: Type.String(),
    route: Type.String({ description: 'The route template, e.g. /customers/{id}.' }),
    operationId: Type.String(),
    resource: Type.Object({ type: Type.String(), id: Type.Union([Type.String(), Type.Null()]) }),
    status: Type.Integer({ description: 'The HTTP status of the answer.' }),
    outcome: Type.String({ description: '"ok", or the code of the problem the write was answered with.' }),
    traceId: Type.Union([Type.String(), Type.Null()]),
  }),
);

const AuditRecordList = named(
  'AuditRecordList',
  Type.Object({ items: Type.Array(AuditRecord), nextPageToken: Type.Union([Type.String(), Type.Null()]) }),
);

export function auditRecordRoutes(api: ApiRouter, pool: Pool): void {
  api.add({
    method: 'get',
    path: '/audit-records',
    operationId: 'listAuditRecords',
    summary: 'The audit trail: every write through the API (who, what, which record, when, outcome, trace), newest first',
    tag: 'Audit',
    permission: ['admin', 'read'],
    query: ListAuditRecordsQuery,
    responses: { 200: { description: 'One page.', schema: AuditRecordList } },
    async handler({ query, res }) {
      const { from, to, ...filters } = query as Static<typeof ListAuditRecordsQuery>;
      const page = await listAuditRecords(pool, {
        ...filters,
        from: from ? new Date(from) : undefined,
        to: to ? new Date(to) : undefined,
        ...pageFromQuery(query),
      });
      res.json({
        items: page.records.map((record) => ({ ...record, at: record.at.toISOString() })),
        nextPageToken: page.nextPageToken || null,
      });
    },
  });
}
