import { eventTypeOf } from '@liaison/contracts';
import type { KafkaMessage } from 'kafkajs';
import { headersToStrings, parseCloudEventHeaders } from './cloud-events';

/** A CloudEvent read from Kafka, payload decoded with the codec registered for its type. */
export interface ReceivedEvent {
  id: string;
  type: string;
  source: string;
  subject?: string;
  time: Date;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** Decoded protobuf message; narrow it by `type` (e.g. `eventsV1.CustomerCreated`). */
  payload: unknown;
  /** The undecoded record value. */
  data: Buffer;
  headers: Record<string, string>;
}

export type DecodedRecord =
  | { kind: 'event'; event: ReceivedEvent }
  /** A type this build does not know yet: newer producers must not break older consumers. */
  | { kind: 'unknown-type'; type: string; id: string }
  | { kind: 'malformed'; error: Error };

export interface RecordLocation {
  topic: string;
  partition: number;
}

export function decodeRecord({ topic, partition }: RecordLocation, message: KafkaMessage): DecodedRecord {
  const headers = headersToStrings(message.headers);
  const parsed = parseCloudEventHeaders(headers, new Date(Number(message.timestamp)));
  if (!parsed.ok) return { kind: 'malformed', error: new Error(parsed.reason) };
  const { attributes } = parsed;
  const eventType = eventTypeOf(attributes.type);
  if (!eventType) return { kind: 'unknown-type', type: attributes.type, id: attributes.id };
  const data = message.value ?? Buffer.alloc(0);
  let payload: unknown;
  try {
    payload = eventType.codec.decode(data);
  } catch (error) {
    return { kind: 'malformed', error: new Error(`undecodable ${attributes.type} payload: ${(error as Error).message}`) };
  }
  const event: ReceivedEvent = {
    ...attributes,
    topic,
    partition,
    offset: message.offset,
    key: message.key ? message.key.toString('utf8') : null,
    payload,
    data,
    headers,
  };
  return { kind: 'event', event };
}
