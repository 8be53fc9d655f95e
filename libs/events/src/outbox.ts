import { randomUUID } from 'node:crypto';
import { context, propagation } from '@opentelemetry/api';
import type { EventType } from '@liaison/contracts';
import type { ClientBase } from 'pg';

/** An event to publish once the surrounding transaction commits. */
export interface OutboxEvent<T = unknown> {
  type: EventType<T>;
  /** Kafka record key: events of one aggregate land on one partition, in order. */
  aggregateId: string;
  // Inferred from `type` only, so that a payload of the wrong shape is an error, not a wider T.
  payload: NoInfer<T>;
  /** CloudEvents `subject`; the aggregate id when omitted. */
  subject?: string;
  /** CloudEvents `id`, a UUID; generated when omitted. Reusing one makes a retried append fail instead of duplicating. */
  id?: string;
  time?: Date;
  /** CloudEvents `source`, overriding the outbox's, e.g. `liaison.customer`. */
  source?: string;
}

/**
 * A list of events whose payload types are checked against their event types one by one,
 * so that `[created, updated]` with different payload types still type-checks precisely.
 */
export type OutboxEvents<T extends readonly unknown[]> = { [K in keyof T]: OutboxEvent<T[K]> };

export interface OutboxRow {
  eventId: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject: string;
  time: Date;
  payload: Buffer;
  headers: Record<string, string>;
}

/** The service that publishes through an outbox: its CloudEvents source and its topic. */
export interface OutboxOwner {
  /** e.g. `liaison.customer`. */
  source: string;
  /** The owning service's topic, e.g. `liaison.customer.v1` (Topics in libs/contracts). */
  topic: string;
}

export interface RowDefaults extends OutboxOwner {
  now: Date;
  /** Trace context of the writing request, forwarded as Kafka headers by the relay. */
  headers: Record<string, string>;
}

export const OUTBOX_CHANNEL = 'outbox_new';

export function toOutboxRow<T>(event: OutboxEvent<T>, defaults: RowDefaults): OutboxRow {
  const source = event.source ?? defaults.source;
  const bytes = event.type.codec.encode(event.payload).finish();
  return {
    eventId: event.id ?? randomUUID(),
    topic: defaults.topic,
    key: event.aggregateId,
    type: event.type.type,
    source,
    subject: event.subject ?? event.aggregateId,
    time: event.time ?? defaults.now,
    payload: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    headers: defaults.headers,
  };
}

const COLUMNS = ['event_id', 'topic', 'key', 'type', 'source', 'subject', 'time', 'payload', 'headers'] as const;

/** One multi-row INSERT, so appending a handful of events costs a single round trip. */
export function insertOutboxQuery(rows: OutboxRow[]): { text: string; values: unknown[] } {
  const values: unknown[] = [];
  const tuples = rows.map((row) => {
    const start = values.length;
    values.push(row.eventId, row.topic, row.key, row.type, row.source, row.subject, row.time, row.payload, JSON.stringify(row.headers));
    return `(${COLUMNS.map((_, index) => `$${start + index + 1}`).join(', ')})`;
  });
  return { text: `INSERT INTO outbox (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, values };
}

function activeTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/**
 * Stores events in the outbox through `tx`, which must be the client running the caller's
 * transaction: the events then commit or roll back together with the state change. Append
 * after the state change, so that writers of one aggregate get outbox ids in commit order.
 * Returns the event ids.
 */
export async function appendToOutbox<T extends readonly unknown[]>(
  tx: ClientBase,
  events: OutboxEvents<T>,
  owner: OutboxOwner,
): Promise<string[]> {
  if (events.length === 0) return [];
  const defaults: RowDefaults = { ...owner, now: new Date(), headers: activeTraceHeaders() };
  const rows = (events as OutboxEvent[]).map((event) => toOutboxRow(event, defaults));
  await tx.query(insertOutboxQuery(rows));
  await wakeRelay(tx);
  return rows.map((row) => row.eventId);
}

/**
 * How often a process wakes the relay at most. A NOTIFY takes a lock that every committing
 * NOTIFY of the database queues on, so one per write made busy services commit one at a time;
 * after a wake-up the relay keeps polling every RELAY_LINGER_MS while events keep coming, so the
 * events appended in between are published as soon as with a NOTIFY each.
 */
export const NOTIFY_INTERVAL_MS = 50;
let lastNotifyAt = 0;

// NOTIFY is transactional: the relay is woken on commit, and never for a rollback.
async function wakeRelay(tx: ClientBase): Promise<void> {
  const now = Date.now();
  if (now - lastNotifyAt < NOTIFY_INTERVAL_MS) return;
  lastNotifyAt = now;
  await tx.query(`NOTIFY ${OUTBOX_CHANNEL}`);
}

export interface Outbox {
  append<T extends readonly unknown[]>(tx: ClientBase, events: OutboxEvents<T>): Promise<string[]>;
}

/**
 * The outbox of a service: every event it appends goes to its own topic with its source, e.g.
 * `createOutbox({ source: 'liaison.customer', topic: Topics.customer })`.
 */
export function createOutbox(owner: OutboxOwner): Outbox {
  return { append: (tx, events) => appendToOutbox(tx, events, owner) };
}
