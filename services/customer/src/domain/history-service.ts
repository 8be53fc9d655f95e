import { customerScopeOf, type Principal } from '@liaison/auth';
import { AppError, pageSizeOf, requireUuid, seqPageTokens, type Pool } from '@liaison/runtime';
import { CustomerRepository } from '../persistence/customer-repository';
import { HistoryRepository, type HistoryRecord } from '../persistence/history-repository';

// CUS-16: the revision history of a customer's key fields, readable by whoever may read the
// customer. Newest change first; the id orders changes made in one transaction as well.

// A token belongs to the customer it was made for.
const historyPages = seqPageTokens('customer-history');

export interface HistoryList {
  entries: HistoryRecord[];
  nextPageToken: string;
}

export class HistoryService {
  private readonly customers = new CustomerRepository();
  private readonly history = new HistoryRepository();

  constructor(private readonly pool: Pool) {}

  async ofCustomer(principal: Principal, customerId: string, pageSize: number, pageToken: string): Promise<HistoryList> {
    requireUuid(customerId, 'customer_id');
    const limit = pageSizeOf(pageSize);
    const beforeId = historyPages.decode(pageToken, customerId);
    if (!(await this.customers.findInScope(this.pool, customerId, customerScopeOf(principal)))) throw AppError.notFound('customer');
    const page = await this.history.listOfCustomer(this.pool, customerId, limit, beforeId);
    return { entries: page.entries, nextPageToken: page.nextAfterId ? historyPages.encode(page.nextAfterId, customerId) : '' };
  }
}
