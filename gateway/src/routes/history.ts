import { Type } from '@sinclair/typebox';
import { historyV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { CUSTOMER_IN_PATH } from '../http/field-names';
import { named } from '../http/schema-names';
import { problem } from '../http/problem-responses';
import { CustomerIdParams } from './customer-schemas';
import { nextPageTokenOf, pageFromQuery, pageSizeParameter, PageTokenParameter } from '../http/paging';

// CUS-16: the revision history (修订记录) of a customer's key fields.

const HistoryEntry = named(
  'CustomerHistoryEntry',
  Type.Object(
    {
      id: Type.String(),
      field: Type.String({ description: 'The changed field in snake_case, e.g. star_rating, region, category, deal_date.' }),
      before: Type.Unknown({ description: 'The value before the change; null when it had none.' }),
      after: Type.Unknown({ description: 'The value after the change; null when cleared.' }),
      reason: Type.Union([Type.String(), Type.Null()], { description: 'Why, when the change gave a reason (e.g. a category move).' }),
      changedBy: Type.String({ description: 'User id of whoever made the change.' }),
      changedAt: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false },
  ),
);

const HistoryPage = named(
  'CustomerHistory',
  Type.Object(
    {
      items: Type.Array(HistoryEntry, { description: 'Newest change first.' }),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

const HistoryQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

function entryToJson(entry: historyV1.CustomerHistoryEntry) {
  return {
    id: entry.id,
    field: entry.field,
    before: JSON.parse(entry.oldValueJson || 'null') as unknown,
    after: JSON.parse(entry.newValueJson || 'null') as unknown,
    reason: entry.reason || null,
    changedBy: entry.changedBy,
    changedAt: entry.changeTime?.toISOString() ?? '',
  };
}

export function historyRoutes(api: ApiRouter, client: historyV1.CustomerHistoryServiceClient): void {
  api.add({
    method: 'get',
    path: '/customers/{id}/history',
    operationId: 'getCustomerHistory',
    summary: 'Who changed which key field of a customer when, before and after; newest first',
    tag: 'Customers',
    permission: ['customer', 'read'],
    params: CustomerIdParams,
    query: HistoryQuery,
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      200: { description: 'One page.', schema: HistoryPage },
      404: problem("No such customer in the caller's scope."),
    },
    async handler({ params, query, call, res }) {
      const request = historyV1.GetCustomerHistoryRequest.fromPartial({
        customerId: params.id,
        page: pageFromQuery(query),
      });
      const response = await call(client, 'getCustomerHistory', request);
      res.json({ items: response.entries.map(entryToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });
}
