import { customerViewV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { CUSTOMER_IN_PATH } from '../http/field-names';
import { problem } from '../http/problem-responses';
import { CustomerIdParams } from './customer-schemas';
import { timelineToJson, view360ToJson } from './customer-view-json';
import { Customer360, TimelinePage, TimelineQuery } from './customer-view-schemas';
import { pageFromQuery } from '../http/paging';

const readProblems = {
  404: problem("No such customer in the caller's scope."),
};
const TAG = 'Customer 360';

export function customerViewRoutes(api: ApiRouter, client: customerViewV1.CustomerViewServiceClient): void {
  api.add({
    method: 'get',
    path: '/customers/{id}/360',
    operationId: 'getCustomer360',
    summary:
      'The customer 360 view (客户360视图): customer, contacts, latest follow-ups, trade, finance and activity figures, value grade and credit-risk warning',
    tag: TAG,
    permission: ['customer', 'read'],
    params: CustomerIdParams,
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      200: { description: 'The view; sections the caller may not read are null and listed in withheldSections.', schema: Customer360 },
      ...readProblems,
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'getCustomer360', { customerId: params.id });
      res.json(view360ToJson(response.view!));
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{id}/timeline',
    operationId: 'getCustomerTimeline',
    summary: 'One timeline of the customer across all services (orders, payments, follow-ups, service requests…), newest first',
    tag: TAG,
    permission: ['customer', 'read'],
    params: CustomerIdParams,
    query: TimelineQuery,
    fieldNames: CUSTOMER_IN_PATH,
    responses: { 200: { description: 'One page.', schema: TimelinePage }, ...readProblems },
    async handler({ params, query, call, res }) {
      const request = customerViewV1.GetCustomerTimelineRequest.fromPartial({
        customerId: params.id,
        page: pageFromQuery(query),
      });
      res.json(timelineToJson(await call(client, 'getCustomerTimeline', request)));
    },
  });
}
