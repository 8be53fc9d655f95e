import type { ServiceNames } from './names';

// What differs between a PostgreSQL and a MongoDB service: the use case's transaction, the
// repository and the schema (SQL migrations, or a mongoose model whose indexes the platform builds).

export const settingsMigration = `-- The settings of the service (its first API, made by scripts/new-service).
CREATE TABLE settings (
  key         text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.-]{0,99}$'),
  value       jsonb NOT NULL,
  version     bigint NOT NULL DEFAULT 1,
  updated_by  text NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
`;

export const pgSettingServiceTs = `import type { Principal } from '@liaison/auth';
import { AppError, checkVersion, type Pool, type PoolClient } from '@liaison/runtime';
import { SettingRepository } from '../persistence/setting-repository';
import { checkExpectedVersion, checkKey, checkValue, type PutCommand, type Setting } from './setting';

// Use cases of settings. The RPCs declare the permission and the transaction (grpc/); a use
// case keeps the invariants and writes through the repository in the transaction it is given.

export class SettingService {
  private readonly repository = new SettingRepository();

  constructor(private readonly pool: Pool) {}

  async get(key: string): Promise<Setting> {
    const setting = await this.repository.find(this.pool, checkKey(key));
    if (!setting) throw AppError.notFound('setting');
    return setting;
  }

  async put(tx: PoolClient, principal: Principal, command: PutCommand): Promise<Setting> {
    const key = checkKey(command.key);
    const value = checkValue(command.value);
    const expected = checkExpectedVersion(command.expectedVersion);
    const current = await this.repository.lock(tx, key);
    if (!current) {
      if (expected !== 0) throw AppError.notFound('setting');
      const created = await this.repository.insert(tx, key, value, principal.userId);
      // A concurrent create of the same key won: same answer as a stale version.
      if (!created) throw new AppError('version_conflict', 'the setting was created meanwhile');
      return created;
    }
    checkVersion('the setting', current.version, expected);
    return this.repository.update(tx, key, value, principal.userId);
  }
}
`;

export const pgSettingRepositoryTs = `import type { Queryable } from '@liaison/runtime';
import type { Setting } from '../domain/setting';

// Settings in the settings table (migrations/0001_settings.sql).

interface SettingRow {
  key: string;
  value: unknown;
  version: string;
  updated_by: string;
  updated_at: Date;
}

const COLUMNS = 'key, value, version, updated_by, updated_at';

function toSetting(row: SettingRow): Setting {
  return { key: row.key, value: row.value, version: Number(row.version), updatedBy: row.updated_by, updatedAt: row.updated_at };
}

export class SettingRepository {
  async find(db: Queryable, key: string): Promise<Setting | null> {
    const { rows } = await db.query<SettingRow>(\`SELECT \${COLUMNS} FROM settings WHERE key = $1\`, [key]);
    return rows[0] ? toSetting(rows[0]) : null;
  }

  /** Reads the setting and locks it until the transaction ends. */
  async lock(db: Queryable, key: string): Promise<Setting | null> {
    const { rows } = await db.query<SettingRow>(\`SELECT \${COLUMNS} FROM settings WHERE key = $1 FOR UPDATE\`, [key]);
    return rows[0] ? toSetting(rows[0]) : null;
  }

  /** Null when the key exists already. */
  async insert(db: Queryable, key: string, value: unknown, userId: string): Promise<Setting | null> {
    const { rows } = await db.query<SettingRow>(
      \`INSERT INTO settings (key, value, updated_by) VALUES ($1, $2::jsonb, $3) ON CONFLICT (key) DO NOTHING RETURNING \${COLUMNS}\`,
      [key, JSON.stringify(value), userId],
    );
    return rows[0] ? toSetting(rows[0]) : null;
  }

  async update(db: Queryable, key: string, value: unknown, userId: string): Promise<Setting> {
    const { rows } = await db.query<SettingRow>(
      \`UPDATE settings SET value = $2::jsonb, version = version + 1, updated_by = $3, updated_at = now()
       WHERE key = $1 RETURNING \${COLUMNS}\`,
      [key, JSON.stringify(value), userId],
    );
    return toSetting(rows[0]);
  }
}
`;

export const mongoSettingServiceTs = `import type { Principal } from '@liaison/auth';
import { AppError } from '@liaison/runtime';
import type { SettingRepository } from '../persistence/setting-repository';
import { checkExpectedVersion, checkKey, checkValue, type PutCommand, type Setting } from './setting';

// Use cases of settings. The RPCs declare the permission (grpc/); a use case keeps the
// invariants. Each change is one single-document write, conditional on the version read, so
// concurrent writers are kept apart without transactions (FerretDB has none across documents).

export class SettingService {
  constructor(private readonly repository: SettingRepository) {}

  async get(key: string): Promise<Setting> {
    const setting = await this.repository.find(checkKey(key));
    if (!setting) throw AppError.notFound('setting');
    return setting;
  }

  async put(principal: Principal, command: PutCommand): Promise<Setting> {
    const key = checkKey(command.key);
    const value = checkValue(command.value);
    const expected = checkExpectedVersion(command.expectedVersion);
    if (expected === 0) {
      const created = await this.repository.insert(key, value, principal.userId);
      if (!created) throw new AppError('version_conflict', 'the setting exists already: change it with the version you read');
      return created;
    }
    const updated = await this.repository.updateIfVersion(key, expected, value, principal.userId);
    if (updated) return updated;
    const current = await this.repository.find(key);
    if (!current) throw AppError.notFound('setting');
    throw new AppError('version_conflict', \`the setting was changed meanwhile: version is \${current.version}, not \${expected}\`);
  }
}
`;

export const mongoSettingModelTs = `import { Schema, type Connection, type Model } from 'mongoose';

// The settings collection: one document per key (the key is the _id, so it is unique).

export interface SettingDocument {
  _id: string;
  value: unknown;
  version: number;
  updatedBy: string;
  updatedAt: Date;
}

const settingSchema = new Schema<SettingDocument>(
  {
    _id: { type: String, required: true },
    value: { type: Schema.Types.Mixed, required: true },
    version: { type: Number, required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'settings', versionKey: false, minimize: false },
);

export function settingModel(connection: Connection): Model<SettingDocument> {
  return connection.models.Setting ?? connection.model<SettingDocument>('Setting', settingSchema);
}
`;

export const mongoSettingRepositoryTs = `import type { Model } from 'mongoose';
import type { Setting } from '../domain/setting';
import type { SettingDocument } from './setting-model';

// Settings in their collection; every write is one conditional single-document operation.

const DUPLICATE_KEY = 11000;

function toSetting(document: SettingDocument): Setting {
  return { key: document._id, value: document.value, version: document.version, updatedBy: document.updatedBy, updatedAt: document.updatedAt };
}

export class SettingRepository {
  constructor(private readonly settings: Model<SettingDocument>) {}

  async find(key: string): Promise<Setting | null> {
    const document = await this.settings.findById(key).lean<SettingDocument>();
    return document ? toSetting(document) : null;
  }

  /** Null when the key exists already. */
  async insert(key: string, value: unknown, userId: string): Promise<Setting | null> {
    const document: SettingDocument = { _id: key, value, version: 1, updatedBy: userId, updatedAt: new Date() };
    try {
      await this.settings.create(document);
      return toSetting(document);
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return null;
      throw error;
    }
  }

  /** Null when the setting is missing or at another version. */
  async updateIfVersion(key: string, version: number, value: unknown, userId: string): Promise<Setting | null> {
    const document = await this.settings
      .findOneAndUpdate(
        { _id: key, version },
        { $set: { value, updatedBy: userId, updatedAt: new Date() }, $inc: { version: 1 } },
        { new: true },
      )
      .lean<SettingDocument>();
    return document ? toSetting(document) : null;
  }
}
`;

export function storeFiles(n: ServiceNames): Record<string, string> {
  if (n.store === 'postgres') {
    return {
      'migrations/0001_settings.sql': settingsMigration,
      'src/domain/setting-service.ts': pgSettingServiceTs,
      'src/persistence/setting-repository.ts': pgSettingRepositoryTs,
    };
  }
  return {
    'src/domain/setting-service.ts': mongoSettingServiceTs,
    'src/persistence/setting-model.ts': mongoSettingModelTs,
    'src/persistence/setting-repository.ts': mongoSettingRepositoryTs,
  };
}
