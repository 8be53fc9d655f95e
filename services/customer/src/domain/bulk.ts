import { randomUUID } from 'node:crypto';
import { customerScopeOf, customerWriteScopeOf, type Principal } from '@liaison/auth';
import { AppError, isSeq, pageSizeOf, pageTokens, type Pool, type PoolClient } from '@liaison/runtime';
import { customerNotificationRequested, customersDeleted, customersRestored } from '../events/customer-maintenance-events';
import { CustomerRepository } from '../persistence/customer-repository';
import { CustomerMaintenanceRepository, type LockedCustomer } from '../persistence/customer-maintenance-repository';
import { checkIdList, checkReason, notFoundError } from './bulk-input';
import { checkNotification, type NotificationInput } from './bulk-notification';
import type { Customer } from './customer';

// CUS-20: bulk soft delete, the administrator's recycle bin and restore, and bulk notification
// requests. Bulk changes are all or none: one id the caller may not change fails the call and
// names that id, so that nothing is ever silently skipped.

export const MAX_BULK_IDS = 200;
// The recycle bin is paged by (deleted_at as PostgreSQL prints it, seq), newest first.
const deletedPages = pageTokens('deleted-customers', (cursor) =>
  Array.isArray(cursor) &&
  cursor.length === 2 &&
  typeof cursor[0] === 'string' &&
  cursor[0].length <= 40 &&
  !Number.isNaN(Date.parse(cursor[0])) &&
  isSeq(cursor[1])
    ? (cursor as [string, string])
    : undefined,
);

export interface DeletedCustomer {
  customer: Customer;
  deletedAt: Date;
  deletedBy: string | null;
  reason: string | null;
}

export interface NotificationReceipt {
  notificationId: string;
  acceptedIds: string[];
  notFoundIds: string[];
}

function checkWritable(ids: string[], locked: Map<string, LockedCustomer>): void {
  const missing = new Set(ids.filter((id) => !locked.has(id)));
  if (missing.size > 0) throw notFoundError('customer', 'ids', ids, missing);
  if ([...locked.values()].some((found) => !found.writable)) {
    throw new AppError('permission_denied', 'some of these customers are read-only for you', [], 'read_only');
  }
}

async function recordEach(
  tx: PoolClient,
  customers: Customer[],
  actorId: string,
  field: string,
  value: boolean,
  reason: string | null,
): Promise<void> {
  const history = new CustomerRepository();
  for (const customer of customers) {
    await history.recordHistory(tx, customer.id, actorId, [{ field, oldValue: !value, newValue: value, reason: reason ?? undefined }]);
  }
}

export class BulkService {
  private readonly repository = new CustomerMaintenanceRepository();

  constructor(private readonly pool: Pool) {}

  async deleteCustomers(tx: PoolClient, principal: Principal, ids: string[], reasonText: string): Promise<string[]> {
    const wanted = checkIdList(ids, 'ids', MAX_BULK_IDS);
    const reason = checkReason(reasonText);
    checkWritable(wanted, await this.repository.lockVisible(tx, wanted, customerScopeOf(principal), customerWriteScopeOf(principal)));
    const deleted = await this.repository.markDeleted(tx, wanted, principal.userId, reason);
    await recordEach(tx, deleted, principal.userId, 'deleted', true, reason);
    await customersDeleted(tx, deleted, principal.userId, reason);
    return wanted;
  }

  async restoreCustomers(tx: PoolClient, principal: Principal, ids: string[]): Promise<Customer[]> {
    const wanted = checkIdList(ids, 'ids', MAX_BULK_IDS);
    const found = await this.repository.lockDeleted(tx, wanted, customerWriteScopeOf(principal));
    const missing = new Set(wanted.filter((id) => !found.has(id)));
    if (missing.size > 0) throw notFoundError('deleted customer', 'ids', wanted, missing);
    const restored = await this.repository.restore(tx, wanted, principal.userId);
    await recordEach(tx, restored, principal.userId, 'deleted', false, null);
    await customersRestored(tx, restored, principal.userId);
    const byId = new Map(restored.map((customer) => [customer.id, customer]));
    return wanted.map((id) => byId.get(id)!);
  }

  async listDeleted(
    principal: Principal,
    query: { pageSize: number; pageToken: string; nameContains: string },
  ): Promise<{ items: DeletedCustomer[]; nextPageToken: string }> {
    const limit = pageSizeOf(query.pageSize);
    const after = deletedPages.decode(query.pageToken);
    const nameContains = query.nameContains.normalize('NFC').trim().slice(0, 100) || undefined;
    const page = await this.repository.listDeleted(this.pool, customerScopeOf(principal), {
      nameContains,
      after,
      limit,
    });
    const last = page.items[page.items.length - 1];
    return {
      items: page.items.map(({ position: _position, ...item }) => item),
      nextPageToken: page.more && last ? deletedPages.encode(last.position) : '',
    };
  }

  /** One event for the customers the caller may see; the others are named back, not dropped. */
  async requestNotification(tx: PoolClient, principal: Principal, input: NotificationInput): Promise<NotificationReceipt> {
    const request = checkNotification(input);
    const visible = await this.repository.visibleIds(tx, request.customerIds, customerScopeOf(principal));
    const acceptedIds = request.customerIds.filter((id) => visible.has(id));
    const notFoundIds = request.customerIds.filter((id) => !visible.has(id));
    if (acceptedIds.length === 0) throw notFoundError('customer', 'customer_ids', request.customerIds, new Set(notFoundIds));
    const notificationId = randomUUID();
    await customerNotificationRequested(tx, notificationId, { ...request, customerIds: acceptedIds }, principal.userId);
    return { notificationId, acceptedIds, notFoundIds };
  }
}
