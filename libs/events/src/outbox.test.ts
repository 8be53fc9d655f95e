import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { context, propagation, trace, TraceFlags } from '@opentelemetry/api';
import { EventTypes, eventsV1 } from '@liaison/contracts';
import type { ClientBase } from 'pg';
import { appendToOutbox, createOutbox, insertOutboxQuery, NOTIFY_INTERVAL_MS, toOutboxRow } from './outbox';

const { customer } = eventsV1.CustomerCreated.fromPartial({ customer: { id: 'c-1', name: '华东精密', version: 1 } });

function recordingClient(): { client: ClientBase; queries: { text: string; values?: unknown[] }[] } {
  const queries: { text: string; values?: unknown[] }[] = [];
  const query = async (textOrConfig: string | { text: string; values: unknown[] }) => {
    queries.push(typeof textOrConfig === 'string' ? { text: textOrConfig } : textOrConfig);
    return { rows: [], rowCount: 1 };
  };
  return { client: { query } as unknown as ClientBase, queries };
}

describe('toOutboxRow', () => {
  const now = new Date('2025-03-01T00:00:00Z');

  it('encodes the payload with the type codec and fills defaults', () => {
    const row = toOutboxRow(
      { type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload: { customer } },
      { source: 'liaison.customer', topic: 'liaison.customer.v1', now, headers: {} },
    );
    expect(row).toMatchObject({
      topic: 'liaison.customer.v1',
      key: 'c-1',
      type: 'liaison.events.v1.CustomerCreated',
      source: 'liaison.customer',
      subject: 'c-1',
      time: now,
    });
    expect(row.eventId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventsV1.CustomerCreated.decode(row.payload).customer?.name).toBe('华东精密');
  });

  it('prefers what the event sets over the defaults', () => {
    const time = new Date('2024-01-01T00:00:00Z');
    const id = '3f1c4f3e-1111-4222-8333-444455556666';
    const row = toOutboxRow(
      { type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload: {}, id, time, subject: 'customers/c-1', source: 'liaison.import' },
      { source: 'liaison.customer', topic: 'liaison.customer.v1', now, headers: {} },
    );
    expect(row).toMatchObject({ eventId: id, time, subject: 'customers/c-1', source: 'liaison.import' });
  });

  it("puts every event on the owning service's topic, whatever the event type", () => {
    const approval = toOutboxRow(
      { type: EventTypes.ApprovalRequested, aggregateId: 'a-1', payload: {} },
      { source: 'liaison.sales', topic: 'liaison.sales.v1', now, headers: {} },
    );
    expect(approval).toMatchObject({ topic: 'liaison.sales.v1', source: 'liaison.sales', type: 'liaison.events.v1.ApprovalRequested' });
  });
});

describe('insertOutboxQuery', () => {
  it('numbers the placeholders of every row in one statement', () => {
    const row = toOutboxRow(
      { type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload: {} },
      { source: 's', topic: 't', now: new Date(), headers: { traceparent: 'tp' } },
    );
    const query = insertOutboxQuery([row, row]);
    expect(query.text).toContain('VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15, $16, $17, $18)');
    expect(query.values).toHaveLength(18);
    expect(query.values[8]).toBe('{"traceparent":"tp"}');
  });
});

describe('appendToOutbox', () => {
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  });
  afterAll(() => {
    context.disable();
    propagation.disable();
  });

  it('inserts through the given client, then notifies the relay in the same transaction', async () => {
    await new Promise((resolve) => setTimeout(resolve, NOTIFY_INTERVAL_MS));
    const { client, queries } = recordingClient();
    const ids = await createOutbox({ source: 'liaison.customer', topic: 'liaison.customer.v1' }).append(client, [
      { type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload: { customer } },
      { type: EventTypes.CustomerUpdated, aggregateId: 'c-1', payload: { customer, changedFields: ['name'] } },
    ]);
    expect(ids).toHaveLength(2);
    expect(new Set(ids).size).toBe(2);
    expect(queries.map((query) => query.text.split(' (')[0])).toEqual(['INSERT INTO outbox', 'NOTIFY outbox_new']);
    expect(queries[0].values).toContain(ids[1]);
  });

  it('wakes the relay at most once per interval: writes in between ride on its lingering', async () => {
    await new Promise((resolve) => setTimeout(resolve, NOTIFY_INTERVAL_MS));
    const outbox = createOutbox({ source: 's', topic: 't' });
    const append = async () => {
      const { client, queries } = recordingClient();
      await outbox.append(client, [{ type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload: {} }]);
      return queries.map((query) => query.text.split(' (')[0]);
    };
    expect(await append()).toEqual(['INSERT INTO outbox', 'NOTIFY outbox_new']);
    expect(await append()).toEqual(['INSERT INTO outbox']);
    await new Promise((resolve) => setTimeout(resolve, NOTIFY_INTERVAL_MS));
    expect(await append()).toEqual(['INSERT INTO outbox', 'NOTIFY outbox_new']);
  });

  it('records the active trace context as W3C headers', async () => {
    const spanContext = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: TraceFlags.SAMPLED };
    const { client, queries } = recordingClient();
    await context.with(trace.setSpanContext(context.active(), spanContext), () =>
      appendToOutbox(client, [{ type: EventTypes.CustomerCreated, aggregateId: 'c-1', payload: {} }], { source: 's', topic: 't' }),
    );
    expect(JSON.parse(queries[0].values?.[8] as string)).toEqual({
      traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    });
  });

  it('does nothing for no events', async () => {
    const { client, queries } = recordingClient();
    expect(await appendToOutbox(client, [], { source: 's', topic: 't' })).toEqual([]);
    expect(queries).toEqual([]);
  });
});
