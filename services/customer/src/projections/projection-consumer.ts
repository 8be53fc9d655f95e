import { backoffDelay, EventConsumer, sleep } from '@liaison/events';
import type { Pool } from '@liaison/runtime';
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { customerProjectionHandler } from './customer-projection';
import { PROJECTED_TOPICS } from './projectors';

// Runs the customer projection's consumer beside the API. The service must serve reads while
// Kafka is away, so the consumer starts in the background and keeps trying until it joins.

export interface ProjectionSettings {
  /** Consumer group; by default one per database, as the group's offsets belong to the rows it wrote. */
  groupId?: string;
  /** Where a new group starts: false = new events only; true = everything Kafka still holds (a rebuild). */
  fromBeginning: boolean;
  databaseUrl: string;
  topicConfig: { partitions: number; replication: number };
}

export interface ProjectionDeps {
  kafka: Kafka;
  pool: Pool;
  logger: Logger;
  registry?: Registry;
}

const RETRY_START_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export function projectionGroupOf(settings: Pick<ProjectionSettings, 'groupId' | 'databaseUrl'>): string {
  if (settings.groupId) return settings.groupId;
  const database = decodeURIComponent(new URL(settings.databaseUrl).pathname.replace(/^\//, '')) || 'default';
  return `customer-projections.${database}`;
}

export class ProjectionConsumer {
  private readonly consumer: EventConsumer;
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private starting?: Promise<void>;
  readonly groupId: string;

  constructor(deps: ProjectionDeps, settings: ProjectionSettings) {
    this.groupId = projectionGroupOf(settings);
    this.logger = deps.logger.child({ component: 'customer-projection', group: this.groupId });
    this.consumer = new EventConsumer({
      kafka: deps.kafka,
      groupId: this.groupId,
      topics: PROJECTED_TOPICS,
      pool: deps.pool,
      logger: deps.logger,
      registry: deps.registry,
      fromBeginning: settings.fromBeginning,
      topicConfig: settings.topicConfig,
      handler: customerProjectionHandler({ logger: this.logger }),
    });
  }

  /** Returns at once; the consumer joins its group as soon as Kafka answers. */
  start(): void {
    this.starting ??= this.startUntilJoined();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.starting;
    await this.consumer.stop();
  }

  private async startUntilJoined(): Promise<void> {
    for (let attempt = 1; !this.abort.signal.aborted; attempt += 1) {
      try {
        await this.consumer.start();
        this.logger.info({ topics: PROJECTED_TOPICS }, 'customer projection consuming');
        return;
      } catch (error) {
        const delay = backoffDelay(attempt, RETRY_START_MS, RETRY_MAX_MS);
        this.logger.warn({ err: error, attempt, retryInMs: delay }, 'customer projection could not start yet');
        await sleep(delay, this.abort.signal);
      }
    }
  }
}
