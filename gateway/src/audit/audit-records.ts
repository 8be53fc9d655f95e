import { pageSizeOf, seqPageTokens, type Queryable } from '@liaison/runtime';

// The audit trail as administrators read it: newest first, filtered by who, what and which
// record, paged by the records' sequence.

export interface AuditRecord {
  id: string;
  at: Date;
  actor: { id: string; name: string; clientId: string };
  method: string;
  route: string;
  operationId: string;
  resource: { type: string; id: string | null };
  status: number;
  outcome: string;
  traceId: string | null;
}

export interface AuditQuery {
  actorId?: string;
  operationId?: string;
  resourceType?: string;
  resourceId?: string;
  outcome?: string;
  from?: Date;
  to?: Date;
  pageSize: number;
  pageToken: string;
}

interface Row {
  id: string;
  seq: string;
  at: Date;
  actor_id: string;
  actor_name: string;
  client_id: string;
  method: string;
  route: string;
  operation_id: string;
  resource_type: string;
  resource_id: string | null;
  status: number;
  outcome: string;
  trace_id: string | null;
}

const auditPages = seqPageTokens('audit-records');

const FILTERS: [keyof AuditQuery, string, string][] = [
  ['actorId', 'actor_id', '='],
  ['operationId', 'operation_id', '='],
  ['resourceType', 'resource_type', '='],
  ['resourceId', 'resource_id', '='],
  ['outcome', 'outcome', '='],
  ['from', 'at', '>='],
  ['to', 'at', '<'],
];

function toRecord(row: Row): AuditRecord {
  return {
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, name: row.actor_name, clientId: row.client_id },
    method: row.method,
    route: row.route,
    operationId: row.operation_id,
    resource: { type: row.resource_type, id: row.resource_id },
    status: row.status,
    outcome: row.outcome,
    traceId: row.trace_id,
  };
}

export async function listAuditRecords(db: Queryable, query: AuditQuery): Promise<{ records: AuditRecord[]; nextPageToken: string }> {
  const limit = pageSizeOf(query.pageSize);
  const values: unknown[] = [];
  const where = FILTERS.filter(([key]) => query[key] !== undefined).map(([key, column, operator]) => {
    values.push(query[key]);
    return `${column} ${operator} $${values.length}`;
  });
  const after = auditPages.decode(query.pageToken);
  if (after) {
    values.push(after);
    where.push(`seq < $${values.length}::bigint`);
  }
  values.push(limit + 1);
  const { rows } = await db.query<Row>(
    `SELECT * FROM audit_records ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, limit);
  return { records: page.map(toRecord), nextPageToken: rows.length > limit ? auditPages.encode(page[page.length - 1].seq) : '' };
}
