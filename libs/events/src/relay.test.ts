import type { OutboxRecord } from './outbox-store';
import { toKafkaMessage, toTopicMessages } from './relay';

function record(position: string, topic: string, key: string): OutboxRecord {
  return {
    position,
    eventId: `e-${position}`,
    topic,
    key,
    type: 'liaison.events.v1.CustomerCreated',
    source: 'liaison.customer',
    subject: key,
    time: new Date('2025-03-01T00:00:00Z'),
    payload: Buffer.from([position.length]),
    headers: { traceparent: `tp-${position}` },
    attempts: 0,
  };
}

describe('toKafkaMessage', () => {
  it('keys by aggregate, carries the payload bytes and CloudEvents + trace headers', () => {
    const message = toKafkaMessage(record('7', 'liaison.customer.v1', 'c-1'));
    expect(message.key).toBe('c-1');
    expect(message.value).toEqual(Buffer.from([1]));
    expect(message.headers).toEqual({
      'ce_specversion': '1.0',
      'ce_id': 'e-7',
      'ce_source': 'liaison.customer',
      'ce_type': 'liaison.events.v1.CustomerCreated',
      'ce_time': '2025-03-01T00:00:00.000Z',
      'ce_subject': 'c-1',
      'content-type': 'application/protobuf',
      'traceparent': 'tp-7',
    });
  });
});

describe('toTopicMessages', () => {
  it('groups by topic and keeps outbox order inside each topic', () => {
    const grouped = toTopicMessages([record('1', 'a', 'k1'), record('2', 'b', 'k1'), record('3', 'a', 'k2'), record('4', 'a', 'k1')]);
    expect(grouped.map((group) => [group.topic, group.messages.map((message) => message.headers?.ce_id)])).toEqual([
      ['a', ['e-1', 'e-3', 'e-4']],
      ['b', ['e-2']],
    ]);
  });

  it("publishes under the deployment's topic prefix", () => {
    expect(toTopicMessages([record('1', 'liaison.customer.v1', 'k1')], 'bench-').map((group) => group.topic)).toEqual([
      'bench-liaison.customer.v1',
    ]);
  });
});
