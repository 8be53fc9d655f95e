import { customerScopeOf, requirePermission, type Principal } from '@liaison/auth';
import { AppError, requireUuid, type Pool } from '@liaison/runtime';
import { CustomerRepository } from '../persistence/customer-repository';
import { HistoryRepository, type HistoryRecord } from '../persistence/history-repository';

// CUS-16: the revision history of a customer's key fields, readable by whoever may read the
// customer. Newest change first; the id orders changes made in one transaction as well.

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 200;

export interface HistoryList {
  entries: HistoryRecord[];
  nextPageToken: string;
}

export class HistoryService {
  private readonly customers = new CustomerRepository();
  private readonly history = new HistoryRepository();

  constructor(private readonly pool: Pool) {}

  async ofCustomer(principal: Principal, customerId: string, pageSize: number, pageToken: string): Promise<HistoryList> {
    requirePermission(principal, 'customer', 'read');
    requireUuid(customerId, 'customer_id');
    const limit = pageSizeOf(pageSize);
    const beforeId = decodePageToken(pageToken);
    if (!(await this.customers.findInScope(this.pool, customerId, customerScopeOf(principal)))) throw AppError.notFound('customer');
    const page = await this.history.listOfCustomer(this.pool, customerId, limit, beforeId);
    return { entries: page.entries, nextPageToken: page.nextAfterId ? encodePageToken(page.nextAfterId) : '' };
  }
}

function pageSizeOf(requested: number): number {
  const size = requested === 0 ? DEFAULT_PAGE_SIZE : requested;
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) {
    throw AppError.invalid('page size out of range', [{ field: 'page_size', message: `must be 1 to ${MAX_PAGE_SIZE}` }]);
  }
  return size;
}

function encodePageToken(lastId: string): string {
  return Buffer.from(JSON.stringify({ v: 1, h: lastId })).toString('base64url');
}

function decodePageToken(token: string): string | undefined {
  if (!token) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { v?: number; h?: unknown };
    if (parsed.v === 1 && typeof parsed.h === 'string' && /^\d{1,19}$/.test(parsed.h)) return parsed.h;
  } catch {
    // fall through to the error below
  }
  throw AppError.invalid('page_token is not valid', [{ field: 'page_token', message: 'use next_page_token of a previous response' }]);
}
