import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Consumer, type IHeaders } from 'kafkajs';
import { stack } from './stack';

export interface CollectedRecord {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: Buffer | null;
  headers: Record<string, string>;
}

export interface RecordCollector {
  records: CollectedRecord[];
  stop: () => Promise<void>;
}

function headerStrings(headers: IHeaders | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).map(([key, value]) => [key, Array.isArray(value) ? String(value[0]) : String(value ?? '')]),
  );
}

/**
 * A plain kafkajs consumer (its own group) that keeps every record of the topics arriving from
 * now on, as an ERP system or another service would see them.
 */
export async function collectRecords(topics: string[], fromBeginning = false): Promise<RecordCollector> {
  const kafka = new Kafka({ clientId: 'test-collector', brokers: stack.kafkaBrokers, logLevel: logLevel.NOTHING });
  const consumer: Consumer = kafka.consumer({ groupId: `test-collector-${randomUUID()}` });
  const records: CollectedRecord[] = [];
  await consumer.connect();
  await consumer.subscribe({ topics, fromBeginning });
  let assigned!: () => void;
  const joined = new Promise<void>((resolve) => {
    assigned = resolve;
  });
  consumer.on(consumer.events.GROUP_JOIN, () => assigned());
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      records.push({
        topic,
        partition,
        offset: message.offset,
        key: message.key?.toString() ?? null,
        value: message.value,
        headers: headerStrings(message.headers),
      });
    },
  });
  await joined;
  return { records, stop: () => consumer.disconnect() };
}
