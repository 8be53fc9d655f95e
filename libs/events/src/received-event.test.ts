import { EventTypes, eventsV1 } from '@liaison/contracts';
import type { KafkaMessage } from 'kafkajs';
import { decodeRecord } from './received-event';

const location = { topic: 'liaison.customer.v1', partition: 1 };

function message(headers: Record<string, string>, value: Buffer | null): KafkaMessage {
  const buffers = Object.fromEntries(Object.entries(headers).map(([name, text]) => [name, Buffer.from(text)]));
  return { key: Buffer.from('c-1'), value, headers: buffers, offset: '12', timestamp: '1740787200000', attributes: 0 };
}

const payload = Buffer.from(
  eventsV1.CustomerCreated.encode(eventsV1.CustomerCreated.fromPartial({ customer: { id: 'c-1', name: '甲' } })).finish(),
);
const ceHeaders = {
  ce_specversion: '1.0',
  ce_id: 'e-1',
  ce_source: 'liaison.customer',
  ce_type: EventTypes.CustomerCreated.type,
  ce_time: '2025-03-01T00:00:00.000Z',
  traceparent: 'tp',
};

describe('decodeRecord', () => {
  it('decodes a known type into its protobuf message', () => {
    const decoded = decodeRecord(location, message(ceHeaders, payload));
    expect(decoded.kind).toBe('event');
    if (decoded.kind !== 'event') return;
    expect(decoded.event).toMatchObject({
      id: 'e-1',
      type: EventTypes.CustomerCreated.type,
      source: 'liaison.customer',
      topic: 'liaison.customer.v1',
      partition: 1,
      offset: '12',
      key: 'c-1',
      data: payload,
    });
    expect(decoded.event.time).toEqual(new Date('2025-03-01T00:00:00.000Z'));
    expect((decoded.event.payload as eventsV1.CustomerCreated).customer?.name).toBe('甲');
    expect(decoded.event.headers.traceparent).toBe('tp');
  });

  it('reports types this build does not know, for skipping', () => {
    expect(decodeRecord(location, message({ ...ceHeaders, ce_type: 'liaison.events.v9.Future' }, payload))).toEqual({
      kind: 'unknown-type',
      type: 'liaison.events.v9.Future',
      id: 'e-1',
    });
  });

  it('flags records without CloudEvents headers as malformed', () => {
    const decoded = decodeRecord(location, message({ ce_type: EventTypes.CustomerCreated.type }, payload));
    expect(decoded).toEqual({ kind: 'malformed', error: new Error('missing ce_id header') });
  });

  it('flags payloads that do not decode as malformed', () => {
    // Field 1, length-delimited, claims 5 bytes but only 1 follows.
    const decoded = decodeRecord(location, message(ceHeaders, Buffer.from([0x0a, 0x05, 0x01])));
    expect(decoded.kind).toBe('malformed');
  });

  it('decodes an empty value as the default message', () => {
    const decoded = decodeRecord(location, message(ceHeaders, null));
    expect(decoded.kind === 'event' && decoded.event.payload).toEqual({ customer: undefined });
  });
});
