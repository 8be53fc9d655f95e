import { applyEventsMigrations, eventsMigrations } from '../src';
import { createTestSchema, type TestSchema } from './support';

describe('applyEventsMigrations', () => {
  let db: TestSchema;

  beforeEach(async () => {
    db = await createTestSchema();
  });

  afterEach(() => db?.drop());

  it('records each version once and does nothing on a second run', async () => {
    expect(await applyEventsMigrations(db.pool)).toEqual([]);
    const { rows } = await db.pool.query("SELECT version, name FROM schema_migrations WHERE scope = 'events' ORDER BY version");
    expect(rows).toEqual(eventsMigrations.map(({ version, name }) => ({ version, name })));
  });

  it('creates the outbox with a partial index over the unpublished rows, and the inbox keyed by group and event', async () => {
    const { rows: indexes } = await db.pool.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND tablename IN ('outbox', 'inbox') ORDER BY indexname",
    );
    const definitions = indexes.map((index) => index.indexdef);
    expect(definitions).toContainEqual(
      expect.stringMatching(/outbox_unpublished_idx ON .*outbox USING btree \(id\) WHERE \(published_at IS NULL\)/),
    );
    expect(definitions).toContainEqual(expect.stringMatching(/UNIQUE INDEX outbox_event_id_key ON .*outbox USING btree \(event_id\)/));
    expect(definitions).toContainEqual(
      expect.stringMatching(/UNIQUE INDEX inbox_pkey ON .*inbox USING btree \(consumer_group, event_id\)/),
    );

    await db.pool.query("INSERT INTO inbox (consumer_group, event_id, topic, partition, \"offset\") VALUES ('g', 'e', 't', 0, 1)");
    await expect(
      db.pool.query("INSERT INTO inbox (consumer_group, event_id, topic, partition, \"offset\") VALUES ('g', 'e', 't', 1, 2)"),
    ).rejects.toThrow(/duplicate key/);
  });
});
