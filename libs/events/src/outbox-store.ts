/** One stored event as the relay sees it, whatever the storage. */
export interface OutboxRecord {
  /** Relay position (the PG bigserial id, or a store-specific cursor); opaque to the relay. */
  position: string;
  eventId: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject?: string;
  time: Date;
  payload: Buffer;
  /** Extra Kafka headers recorded with the event, such as `traceparent`. */
  headers: Record<string, string>;
  attempts: number;
}

/** Records claimed by one relay until it marks them published or failed. */
export interface OutboxBatch {
  readonly records: readonly OutboxRecord[];
}

export interface OutboxLag {
  unpublished: number;
  oldestAgeSeconds: number;
}

/**
 * Where the relay reads pending events from. PostgreSQL services use PgOutboxStore (an
 * outbox table written in the business transaction); MongoDB services will keep pending
 * events inside the aggregate document and implement the same contract (see README).
 */
export interface OutboxStore {
  /**
   * Becomes (or confirms being) the single active relay for this store; false means another
   * relay is active and this one stands by. Called before every batch, so it must be cheap
   * while leadership holds.
   */
  tryAcquireLeadership(): Promise<boolean>;
  releaseLeadership(): Promise<void>;
  /** Listener called when new events were committed; a hint only, the relay polls anyway. */
  onNewEvents(listener: () => void): void;
  /** The oldest unpublished records in relay order, at most `limit`; an empty batch holds nothing. */
  claimBatch(limit: number): Promise<OutboxBatch>;
  markPublished(batch: OutboxBatch): Promise<void>;
  /** Releases the claim and records the failure; the records are retried from the same position. */
  markFailed(batch: OutboxBatch, error: Error): Promise<void>;
  lag(): Promise<OutboxLag>;
}
