import type { Principal } from '@liaison/auth';
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
