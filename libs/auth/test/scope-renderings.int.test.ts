import mongoose from 'mongoose';
import { Client } from 'pg';
import { ensureDatabase, stack } from '@liaison/testkit';
import { canSeeRecord, scopeFilter, scopeSql, type DataScope, type ScopedRecord } from '../src';

// One rule set, three renderings: for every scope kind, the rows PostgreSQL returns through
// scopeSql and the documents FerretDB returns through scopeFilter are exactly those canSeeRecord
// lets through. The records probe the edges: units below and beside a managed one, LIKE and
// regex metacharacters in unit names, missing units, followers and partner shares.

interface Row extends ScopedRecord {
  id: string;
}

const records: Row[] = [
  { id: 'own', ownerId: 'rep-1', ownerUnit: '/Sales/East' },
  { id: 'colleague', ownerId: 'rep-2', ownerUnit: '/Sales/East' },
  { id: 'below', ownerId: 'rep-3', ownerUnit: '/Sales/East/Shanghai' },
  { id: 'beside', ownerId: 'rep-4', ownerUnit: '/Sales/Eastern' },
  { id: 'west', ownerId: 'rep-5', ownerUnit: '/Sales/West' },
  { id: 'followed', ownerId: 'rep-5', ownerUnit: '/Sales/West', followerId: 'rep-1' },
  { id: 'no-unit', ownerId: 'rep-6', ownerUnit: null },
  { id: 'wildcards', ownerId: 'rep-7', ownerUnit: '/Sales/E_st%/x' },
  { id: 'regex', ownerId: 'rep-8', ownerUnit: '/Sales/E.st/x' },
  { id: 'partner-owned', ownerId: 'acme-1', ownerUnit: '/Partners/Acme/Beijing' },
  { id: 'shared', ownerId: 'rep-2', ownerUnit: '/Sales/East', sharedWithUnits: ['/Partners/Acme'] },
  { id: 'shared-elsewhere', ownerId: 'rep-2', ownerUnit: '/Sales/East', sharedWithUnits: ['/Partners/Acme2'] },
];

const scopes: Record<string, DataScope> = {
  'all': { kind: 'all' },
  'none': { kind: 'none' },
  'own': { kind: 'own', userId: 'rep-1' },
  'own and followed': { kind: 'own', userId: 'rep-1', followerId: 'rep-1' },
  'managed east': { kind: 'managed', userId: 'mgr', units: ['/Sales/East'], followerId: 'mgr' },
  'managed with metacharacters': { kind: 'managed', userId: 'mgr', units: ['/Sales/E_st%', '/Sales/E.st'] },
  'managed nothing': { kind: 'managed', userId: 'rep-6', units: [] },
  'partner': { kind: 'partner', partnerUnits: ['/Partners/Acme'] },
  'partner of nothing': { kind: 'partner', partnerUnits: [] },
};

let pg: Client;
let mongo: mongoose.Connection;

beforeAll(async () => {
  pg = new Client({ connectionString: await ensureDatabase('auth_scope_it') });
  await pg.connect();
  await pg.query(
    'DROP TABLE IF EXISTS scoped; CREATE TABLE scoped (id text PRIMARY KEY, owner_id text, owner_unit text, follower_id text, shared text[])',
  );
  for (const r of records) {
    await pg.query('INSERT INTO scoped VALUES ($1, $2, $3, $4, $5)', [
      r.id,
      r.ownerId,
      r.ownerUnit,
      r.followerId ?? null,
      r.sharedWithUnits ?? [],
    ]);
  }
  mongo = await mongoose.createConnection(stack.mongoUrl('auth_scope_it')).asPromise();
  const collection = mongo.db!.collection('scoped');
  await collection.deleteMany({});
  await collection.insertMany(
    records.map((r) => ({
      _id: r.id as never,
      owner: { id: r.ownerId, unit: r.ownerUnit },
      followerId: r.followerId ?? null,
      sharedWith: r.sharedWithUnits ?? [],
    })),
  );
});

afterAll(async () => {
  await pg.end();
  await mongo.close();
});

describe.each(Object.entries(scopes))('the %s scope', (_name, scope) => {
  const expected = records
    .filter((record) => canSeeRecord(scope, record))
    .map((record) => record.id)
    .sort();

  it('selects the same rows in PostgreSQL', async () => {
    const condition = scopeSql(
      scope,
      {
        owner: 's.owner_id',
        unit: 's.owner_unit',
        follower: 's.follower_id',
        sharedWith: (units, prefixes) =>
          `EXISTS (SELECT 1 FROM unnest(s.shared) u WHERE u = ANY(${units}::text[]) OR u LIKE ANY(${prefixes}::text[]))`,
      },
      1,
    );
    const { rows } = await pg.query<{ id: string }>(`SELECT id FROM scoped s WHERE ${condition.text} ORDER BY id`, condition.values);
    expect(rows.map((row) => row.id)).toEqual(expected);
  });

  it('selects the same documents in MongoDB (FerretDB)', async () => {
    const filter = scopeFilter(scope, { owner: 'owner.id', unit: 'owner.unit', follower: 'followerId', sharedWith: 'sharedWith' });
    const documents = await mongo.db!.collection('scoped').find(filter).project({ _id: 1 }).toArray();
    expect(documents.map((document) => String(document._id)).sort()).toEqual(expected);
  });
});
