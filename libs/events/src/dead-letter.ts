import type { IHeaders } from 'kafkajs';

export const DEAD_LETTER_SUFFIX = '.dlq';

// Kafka's default max message size is 1 MB; a deep stack must not make the DLQ record itself
// unpublishable.
const MAX_MESSAGE_CHARS = 2_000;
const MAX_STACK_CHARS = 4_000;

export function deadLetterTopicOf(topic: string): string {
  return `${topic}${DEAD_LETTER_SUFFIX}`;
}

export function isDeadLetterTopic(topic: string): boolean {
  return topic.endsWith(DEAD_LETTER_SUFFIX);
}

export interface DeadLetterContext {
  error: unknown;
  topic: string;
  partition: number;
  offset: string;
  /** Handler runs that failed; 0 when the record was rejected before reaching the handler. */
  attempts: number;
  consumerGroup: string;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The original headers (CloudEvents attributes and trace context kept) plus why and where it failed. */
export function deadLetterHeaders(original: IHeaders | undefined, context: DeadLetterContext): IHeaders {
  const stack = context.error instanceof Error ? (context.error.stack ?? '') : '';
  return {
    ...original,
    'x-error': truncate(errorMessage(context.error), MAX_MESSAGE_CHARS),
    'x-error-stack': truncate(stack, MAX_STACK_CHARS),
    'x-original-topic': context.topic,
    'x-original-partition': String(context.partition),
    'x-original-offset': context.offset,
    'x-attempts': String(context.attempts),
    'x-consumer-group': context.consumerGroup,
  };
}
