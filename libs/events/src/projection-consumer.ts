import type { Kafka } from 'kafkajs';
import type { Pool, PoolClient } from 'pg';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { EventConsumer, type EventHandler } from './consumer';
import type { Inbox } from './inbox';
import type { ReceivedEvent } from './received-event';
import { backoffDelay, sleep } from './timing';
import type { TopicConfig } from './topics';

// A read model fed by events: the 360 figures of the customer service today, every report of
// analytics tomorrow. It runs beside the service's API, which must serve reads while Kafka is
// away, so the consumer starts in the background and keeps trying until it joins its group.

/** What a read model does with each event type; types not registered are consumed and ignored. */
export class ProjectorRegistry<R> {
  private readonly byType = new Map<string, (event: ReceivedEvent) => R>();

  /** `type` is the CloudEvents type, e.g. EventTypes.OrderPlaced.type. */
  on(type: { type: string }, project: (event: ReceivedEvent) => R): this {
    if (this.byType.has(type.type)) throw new Error(`${type.type} has a projector already`);
    this.byType.set(type.type, project);
    return this;
  }

  projectorOf(type: string): ((event: ReceivedEvent) => R) | undefined {
    return this.byType.get(type);
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }
}

export interface ProjectionSettings {
  /** Names the read model, e.g. `customer-projections`: the default group is `<name>.<database>`. */
  name: string;
  topics: string[];
  /** Consumer group; by default one per database, as the group's offsets belong to the rows it wrote. */
  groupId?: string;
  /** Where a new group starts: false = new events only; true = everything Kafka still holds (a rebuild). */
  fromBeginning: boolean;
  /** The database the read model is written to (for the default group name). */
  database: string;
  topicConfig?: TopicConfig | false;
  topicPrefix?: string;
}

export interface ProjectionDeps<Tx = PoolClient> {
  kafka: Kafka;
  /** Backs the PostgreSQL inbox; give `inbox` instead for another store. */
  pool?: Pool;
  inbox?: Inbox<Tx>;
  logger: Logger;
  registry?: Registry;
  handler: EventHandler<Tx>;
}

const RETRY_START_MS = 1_000;
const RETRY_MAX_MS = 30_000;

export function projectionGroupOf(settings: Pick<ProjectionSettings, 'groupId' | 'name' | 'database'>): string {
  return settings.groupId || `${settings.name}.${settings.database || 'default'}`;
}

/** The database name of a connection URL, for the default group name. */
export function databaseOf(databaseUrl: string): string {
  return decodeURIComponent(new URL(databaseUrl).pathname.replace(/^\//, ''));
}

export class ProjectionConsumer<Tx = PoolClient> {
  private readonly consumer: EventConsumer<Tx>;
  private readonly logger: Logger;
  private readonly abort = new AbortController();
  private starting?: Promise<void>;
  readonly groupId: string;

  constructor(
    deps: ProjectionDeps<Tx>,
    private readonly settings: ProjectionSettings,
  ) {
    this.groupId = projectionGroupOf(settings);
    this.logger = deps.logger.child({ component: settings.name, group: this.groupId });
    this.consumer = new EventConsumer<Tx>({
      kafka: deps.kafka,
      groupId: this.groupId,
      topics: settings.topics,
      pool: deps.pool,
      inbox: deps.inbox,
      logger: deps.logger,
      registry: deps.registry,
      fromBeginning: settings.fromBeginning,
      topicConfig: settings.topicConfig,
      topicPrefix: settings.topicPrefix,
      handler: deps.handler,
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
        this.logger.info({ topics: this.settings.topics }, 'projection consuming');
        return;
      } catch (error) {
        const delay = backoffDelay(attempt, RETRY_START_MS, RETRY_MAX_MS);
        this.logger.warn({ err: error, attempt, retryInMs: delay }, 'projection could not start yet');
        await sleep(delay, this.abort.signal);
      }
    }
  }
}
