import type { Queryable } from '@liaison/runtime';
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
    const { rows } = await db.query<SettingRow>(`SELECT ${COLUMNS} FROM settings WHERE key = $1`, [key]);
    return rows[0] ? toSetting(rows[0]) : null;
  }

  /** Reads the setting and locks it until the transaction ends. */
  async lock(db: Queryable, key: string): Promise<Setting | null> {
    const { rows } = await db.query<SettingRow>(`SELECT ${COLUMNS} FROM settings WHERE key = $1 FOR UPDATE`, [key]);
    return rows[0] ? toSetting(rows[0]) : null;
  }

  /** Null when the key exists already. */
  async insert(db: Queryable, key: string, value: unknown, userId: string): Promise<Setting | null> {
    const { rows } = await db.query<SettingRow>(
      `INSERT INTO settings (key, value, updated_by) VALUES ($1, $2::jsonb, $3) ON CONFLICT (key) DO NOTHING RETURNING ${COLUMNS}`,
      [key, JSON.stringify(value), userId],
    );
    return rows[0] ? toSetting(rows[0]) : null;
  }

  async update(db: Queryable, key: string, value: unknown, userId: string): Promise<Setting> {
    const { rows } = await db.query<SettingRow>(
      `UPDATE settings SET value = $2::jsonb, version = version + 1, updated_by = $3, updated_at = now()
       WHERE key = $1 RETURNING ${COLUMNS}`,
      [key, JSON.stringify(value), userId],
    );
    return toSetting(rows[0]);
  }
}
