import type { Policies, RpcContext } from '@liaison/platform';
import { historyV1 } from '@liaison/contracts';
import type { HistoryService } from '../domain/history-service';
import type { HistoryRecord } from '../persistence/history-repository';

type Ctx = RpcContext;

function toProtoEntry(entry: HistoryRecord): historyV1.CustomerHistoryEntry {
  return historyV1.CustomerHistoryEntry.fromPartial({
    id: entry.id,
    customerId: entry.customerId,
    field: entry.field,
    oldValueJson: JSON.stringify(entry.oldValue ?? null),
    newValueJson: JSON.stringify(entry.newValue ?? null),
    reason: entry.reason ?? '',
    changedBy: entry.changedBy,
    changeTime: entry.changedAt,
  });
}

/** CustomerHistoryService RPCs: protobuf in, domain use case, protobuf out. */
export function historyHandlers(service: HistoryService) {
  return {
    async getCustomerHistory(request: historyV1.GetCustomerHistoryRequest, ctx: Ctx): Promise<historyV1.GetCustomerHistoryResponse> {
      const list = await service.ofCustomer(ctx.principal, request.customerId, request.page?.pageSize ?? 0, request.page?.pageToken ?? '');
      return { entries: list.entries.map(toProtoEntry), page: { nextPageToken: list.nextPageToken } };
    },
  };
}

historyHandlers.definition = historyV1.CustomerHistoryServiceService;
historyHandlers.policies = {
  getCustomerHistory: { permission: ['customer', 'read'] },
} satisfies Policies<typeof historyV1.CustomerHistoryServiceService>;
