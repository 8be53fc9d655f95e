import { randomUUID } from 'node:crypto';
import { EventTypes, Topics } from '@liaison/contracts';
import { appendToOutbox } from '@liaison/events';
import { inTransaction, type Logger, type Pool } from '@liaison/runtime';
import type { Counter } from 'prom-client';

// The audit trail of the public API's writes (GW-07). A record is stored with its
// liaison.audit.v1 event in one transaction (the outbox relay publishes it), before the answer
// leaves the gateway: an answered write always has its record. Records wait at most for the
// write in flight: all that arrive meanwhile go in the next transaction together (a group
// commit), so that the trail costs a few statements per batch, not per request.

export interface AuditEntry {
  at: Date;
  actorId: string;
  actorName: string;
  clientId: string;
  method: string;
  route: string;
  operationId: string;
  resourceType: string;
  resourceId: string | null;
  status: number;
  outcome: string;
  traceId: string | null;
}

interface Pending {
  entry: AuditEntry & { id: string };
  done: () => void;
}

const COLUMNS = [
  'id',
  'at',
  'actor_id',
  'actor_name',
  'client_id',
  'method',
  'route',
  'operation_id',
  'resource_type',
  'resource_id',
  'status',
  'outcome',
  'trace_id',
] as const;
const MAX_BATCH = 500;

export class AuditTrail {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly failures?: Counter,
  ) {}

  /** Resolves once the record is stored, or once storing it failed (logged and counted): never rejects. */
  record(entry: AuditEntry): Promise<void> {
    return new Promise((done) => {
      this.queue.push({ entry: { ...entry, id: randomUUID() }, done });
      this.flushing ??= this.flush();
    });
  }

  /** Waits for every record taken so far; part of the gateway's shutdown. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        await inTransaction(this.pool, async (tx) => {
          await tx.query(insertQuery(batch.map((pending) => pending.entry)));
          await appendToOutbox(
            tx,
            batch.map(({ entry }) => eventOf(entry)),
            { source: 'liaison.gateway', topic: Topics.audit },
          );
        });
      } catch (error) {
        this.failures?.inc(batch.length);
        this.logger.error({ err: error, records: batch.length }, 'audit records could not be stored');
      }
      for (const pending of batch) pending.done();
    }
    this.flushing = null;
  }
}

function insertQuery(entries: (AuditEntry & { id: string })[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const rows = entries.map((entry) => {
    const start = values.length;
    values.push(
      entry.id,
      entry.at,
      entry.actorId,
      entry.actorName,
      entry.clientId,
      entry.method,
      entry.route,
      entry.operationId,
      entry.resourceType,
      entry.resourceId,
      entry.status,
      entry.outcome,
      entry.traceId,
    );
    return `(${COLUMNS.map((_, index) => `$${start + index + 1}`).join(', ')})`;
  });
  return { text: `INSERT INTO audit_records (${COLUMNS.join(', ')}) VALUES ${rows.join(', ')}`, values };
}

function eventOf(entry: AuditEntry & { id: string }) {
  return {
    type: EventTypes.AuditRecorded,
    id: entry.id,
    aggregateId: entry.actorId,
    time: entry.at,
    payload: {
      id: entry.id,
      time: entry.at,
      actorId: entry.actorId,
      actorName: entry.actorName,
      clientId: entry.clientId,
      method: entry.method,
      route: entry.route,
      operationId: entry.operationId,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? '',
      status: entry.status,
      outcome: entry.outcome,
      traceId: entry.traceId ?? '',
    },
  };
}
