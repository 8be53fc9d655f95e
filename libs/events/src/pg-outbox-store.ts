import type { Pool, PoolClient } from 'pg';
import { OUTBOX_CHANNEL } from './outbox';
import type { OutboxBatch, OutboxLag, OutboxRecord, OutboxStore } from './outbox-store';

// First half of the two-key advisory lock; the second is the schema name, so services sharing
// a database in different schemas each get their own relay.
const RELAY_LOCK_NAMESPACE = 7_420_150;
const LOCK_ARGS = `$1::int, hashtext(current_schema())`;

interface OutboxRow {
  id: string;
  event_id: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date;
  payload: Buffer;
  headers: Record<string, string> | null;
  attempts: number;
}

function toRecord(row: OutboxRow): OutboxRecord {
  const record: OutboxRecord = {
    position: row.id,
    eventId: row.event_id,
    topic: row.topic,
    key: row.key,
    type: row.type,
    source: row.source,
    time: row.time,
    payload: row.payload,
    headers: row.headers ?? {},
    attempts: row.attempts,
  };
  if (row.subject) record.subject = row.subject;
  return record;
}

/** A claim is an open transaction holding row locks on the selected rows. */
class PgOutboxBatch implements OutboxBatch {
  constructor(
    readonly records: readonly OutboxRecord[],
    readonly client?: PoolClient,
  ) {}

  get ids(): string[] {
    return this.records.map((record) => record.position);
  }
}

export interface PgOutboxStoreOptions {
  /** How often a leader checks that its lock session is still alive. */
  sessionCheckIntervalMs?: number;
}

export class PgOutboxStore implements OutboxStore {
  private session?: PoolClient;
  private sessionCheckedAt = 0;
  private readonly listeners: (() => void)[] = [];
  private readonly sessionCheckIntervalMs: number;

  constructor(
    private readonly pool: Pool,
    options: PgOutboxStoreOptions = {},
  ) {
    this.sessionCheckIntervalMs = options.sessionCheckIntervalMs ?? 5_000;
  }

  async tryAcquireLeadership(): Promise<boolean> {
    if (this.session) return this.confirmSession(this.session);
    const client = await this.pool.connect();
    let locked = false;
    try {
      const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(${LOCK_ARGS}) AS locked`, [
        RELAY_LOCK_NAMESPACE,
      ]);
      locked = rows[0].locked;
      if (locked) await this.adoptSession(client);
    } catch (error) {
      client.release(error as Error);
      throw error;
    }
    if (!locked) client.release();
    return locked;
  }

  async releaseLeadership(): Promise<void> {
    const session = this.session;
    if (!session) return;
    this.dropSession();
    // Closing the connection is what surely frees both the lock and the LISTEN.
    session.release(true);
  }

  onNewEvents(listener: () => void): void {
    this.listeners.push(listener);
  }

  async claimBatch(limit: number): Promise<OutboxBatch> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, event_id, topic, key, type, source, subject, time, payload, headers, attempts
           FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length > 0) return new PgOutboxBatch(rows.map(toRecord), client);
      await client.query('COMMIT');
      client.release();
      return new PgOutboxBatch([]);
    } catch (error) {
      await this.abandon(client, error);
      throw error;
    }
  }

  markPublished(batch: OutboxBatch): Promise<void> {
    return this.finish(batch, 'UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])', []);
  }

  markFailed(batch: OutboxBatch, error: Error): Promise<void> {
    return this.finish(batch, 'UPDATE outbox SET attempts = attempts + 1, last_error = $2 WHERE id = ANY($1::bigint[])', [
      error.message.slice(0, 2_000),
    ]);
  }

  async lag(): Promise<OutboxLag> {
    const { rows } = await this.pool.query<{ unpublished: number; oldest: number }>(
      `SELECT count(*)::int AS unpublished,
              COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS oldest
         FROM outbox WHERE published_at IS NULL`,
    );
    return { unpublished: rows[0].unpublished, oldestAgeSeconds: rows[0].oldest };
  }

  private async finish(batch: OutboxBatch, sql: string, extra: unknown[]): Promise<void> {
    if (!(batch instanceof PgOutboxBatch)) throw new TypeError('batch was not claimed from a PgOutboxStore');
    const client = batch.client;
    if (!client) return;
    try {
      await client.query(sql, [batch.ids, ...extra]);
      await client.query('COMMIT');
      client.release();
    } catch (error) {
      await this.abandon(client, error);
      throw error;
    }
  }

  private async abandon(client: PoolClient, error: unknown): Promise<void> {
    const rolledBack = await client.query('ROLLBACK').then(
      () => true,
      () => false,
    );
    client.release(rolledBack ? undefined : (error as Error));
  }

  private async adoptSession(client: PoolClient): Promise<void> {
    // A checked-out client that loses its connection emits 'error'; unhandled, that would
    // crash the process instead of just handing leadership to another replica.
    client.on('error', () => this.loseSession(client));
    client.on('end', () => this.loseSession(client));
    client.on('notification', () => this.listeners.forEach((listener) => listener()));
    await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    this.session = client;
    this.sessionCheckedAt = Date.now();
  }

  // Connections can die silently (network partition); a periodic round trip notices.
  private async confirmSession(session: PoolClient): Promise<boolean> {
    if (Date.now() - this.sessionCheckedAt < this.sessionCheckIntervalMs) return true;
    try {
      await session.query('SELECT 1');
      this.sessionCheckedAt = Date.now();
      return true;
    } catch {
      this.loseSession(session);
      return false;
    }
  }

  private loseSession(client: PoolClient): void {
    if (this.session !== client) return;
    this.dropSession();
    client.release(true);
  }

  private dropSession(): void {
    this.session?.removeAllListeners('notification');
    this.session = undefined;
  }
}
