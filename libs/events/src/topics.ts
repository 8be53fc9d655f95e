import type { Kafka } from 'kafkajs';
import { deadLetterTopicOf, isDeadLetterTopic } from './dead-letter';

export interface TopicConfig {
  /** 3 by default: enough for a few consumer replicas per group. */
  partitions?: number;
  /** 1 by default (the local single broker); 3 in production. */
  replication?: number;
  /** Also create `<topic>.dlq` for each topic; true by default. */
  deadLetter?: boolean;
}

/** The name on the broker of a domain topic, under a deployment's prefix (KAFKA_TOPIC_PREFIX). */
export function prefixedTopic(topic: string, prefix = ''): string {
  return `${prefix}${topic}`;
}

function wantedTopics(topics: readonly string[], deadLetter: boolean): string[] {
  const wanted = topics.flatMap((topic) => (deadLetter && !isDeadLetterTopic(topic) ? [topic, deadLetterTopicOf(topic)] : [topic]));
  return [...new Set(wanted)];
}

function onlyAlreadyExists(error: unknown): boolean {
  const errors = (error as { errors?: { type?: string }[] }).errors;
  return Array.isArray(errors) && errors.length > 0 && errors.every((item) => item.type === 'TOPIC_ALREADY_EXISTS');
}

/**
 * Creates the missing topics (and their dead-letter topics), returning the ones it created.
 * Explicit creation avoids the LEADER_NOT_AVAILABLE errors of broker-side auto-creation.
 */
export async function ensureTopics(kafka: Kafka, topics: readonly string[], config: TopicConfig = {}): Promise<string[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = wantedTopics(topics, config.deadLetter ?? true).filter((topic) => !existing.has(topic));
    if (missing.length === 0) return [];
    const spec = { numPartitions: config.partitions ?? 3, replicationFactor: config.replication ?? 1 };
    try {
      await admin.createTopics({ topics: missing.map((topic) => ({ topic, ...spec })), waitForLeaders: true });
    } catch (error) {
      // Another replica created them between our list and create: that is the goal anyway.
      if (!onlyAlreadyExists(error)) throw error;
    }
    return missing;
  } finally {
    await admin.disconnect();
  }
}
