import type { Pool, PoolClient } from 'pg';

/** Where a consumed event came from, recorded with its handling. */
export interface InboxEntry {
  consumerGroup: string;
  eventId: string;
  topic: string;
  partition: number;
  offset: string;
}

export type InboxResult = 'handled' | 'duplicate';

/**
 * Makes handling idempotent per (consumer group, event id). `Tx` is what the handler gets to
 * make its changes with: a PostgreSQL transaction for PgInbox; a MongoDB inbox (no
 * multi-document transactions on FerretDB) would pass a session or the db, and rely on the
 * handler's upserts being idempotent.
 */
export interface Inbox<Tx> {
  /** Runs `work` unless this event was already handled by the group; a throw leaves no trace. */
  handleOnce(entry: InboxEntry, work: (tx: Tx) => Promise<void>): Promise<InboxResult>;
}

/**
 * The inbox row and the handler's writes share one transaction: either both commit or
 * neither does, which gives exactly-once effects on the service's own database.
 */
export class PgInbox implements Inbox<PoolClient> {
  constructor(private readonly pool: Pool) {}

  async handleOnce(entry: InboxEntry, work: (tx: PoolClient) => Promise<void>): Promise<InboxResult> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // A concurrent handler of the same event (rebalance) blocks here until the first commits.
      const inserted = await client.query(
        `INSERT INTO inbox (consumer_group, event_id, topic, partition, "offset") VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (consumer_group, event_id) DO NOTHING`,
        [entry.consumerGroup, entry.eventId, entry.topic, entry.partition, entry.offset],
      );
      if (inserted.rowCount === 1) await work(client);
      await client.query('COMMIT');
      client.release();
      return inserted.rowCount === 1 ? 'handled' : 'duplicate';
    } catch (error) {
      // Only a connection that could not even roll back is discarded.
      const rolledBack = await client.query('ROLLBACK').then(
        () => true,
        () => false,
      );
      client.release(rolledBack ? undefined : (error as Error));
      throw error;
    }
  }
}
