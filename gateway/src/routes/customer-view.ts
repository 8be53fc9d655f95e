import { bearerMetadata } from '@liaison/auth';
import { customerViewV1 } from '@liaison/contracts';
import { unary } from '@liaison/runtime';
import type { ApiRouter } from '../http/api-router';
import { ProblemSchema } from '../http/problem-schema';
import { CustomerIdParams } from './customer-schemas';
import { timelineToJson, view360ToJson } from './customer-view-json';
import { Customer360, TimelinePage, TimelineQuery } from './customer-view-schemas';
import { pageFromQuery } from '../http/paging';

const problem = (description: string) => ({ description, schema: ProblemSchema });
const readProblems = {
  400: problem('Invalid id or query.'),
  401: problem('No valid access token.'),
  403: problem('The caller lacks the permission.'),
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
    responses: {
      200: { description: 'The view; sections the caller may not read are null and listed in withheldSections.', schema: Customer360 },
      ...readProblems,
    },
    async handler({ params, token, res }) {
      const response = await unary(client.getCustomer360.bind(client), { customerId: params.id }, bearerMetadata(token));
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
    responses: { 200: { description: 'One page.', schema: TimelinePage }, ...readProblems },
    async handler({ params, query, token, res }) {
      const request = customerViewV1.GetCustomerTimelineRequest.fromPartial({
        customerId: params.id,
        page: pageFromQuery(query),
      });
      res.json(timelineToJson(await unary(client.getCustomerTimeline.bind(client), request, bearerMetadata(token))));
    },
  });
}
