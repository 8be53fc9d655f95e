import { Type } from '@sinclair/typebox';
import { bearerMetadata } from '@liaison/auth';
import { customerMaintenanceV1 } from '@liaison/contracts';
import { unary } from '@liaison/runtime';
import type { ApiRouter } from '../http/api-router';
import { ProblemSchema } from '../http/problem-schema';
import { customerToJson } from './customer-json';
import { Customer, CustomerIdParams } from './customer-schemas';
import {
  candidateToJson,
  deletedCustomerToJson,
  jsonFieldName,
  mergeRequestFromJson,
  notificationRequestFromJson,
  pairToJson,
  shareToJson,
} from './customer-maintenance-json';
import {
  CustomerItems,
  DeleteCustomersBody,
  DeletedCustomerList,
  DeletedIds,
  DuplicateCandidateList,
  DuplicateCandidatesQuery,
  DuplicatePairList,
  DuplicatePairsQuery,
  ListDeletedQuery,
  MergeCustomersBody,
  NotificationBody,
  NotificationReceipt,
  RestoreCustomersBody,
  Share,
  ShareBody,
  ShareList,
  ShareParams,
} from './customer-maintenance-schemas';
import { pageFromQuery, nextPageTokenOf } from '../http/paging';
import { withJsonFieldNames } from '../http/field-names';

// Keeping the customer base clean: duplicates and merge (CUS-10), bulk delete, the recycle bin
// and bulk notification requests (CUS-20), read-only sharing with partner organisations.

type Client = customerMaintenanceV1.CustomerMaintenanceServiceClient;

const TAG = 'Customer maintenance';
const problem = (description: string) => ({ description, schema: ProblemSchema });
const authProblems = { 401: problem('No valid access token.'), 403: problem('The caller lacks the permission.') };
const notInScope = problem("No such customer in the caller's scope.");
const ETAG = { ETag: { description: 'The customer version, for If-Match.', schema: Type.String() } };

const withMaintenanceJsonNames = <T>(call: Promise<T>) => withJsonFieldNames(call, jsonFieldName);

export function customerMaintenanceRoutes(api: ApiRouter, client: Client): void {
  duplicateRoutes(api, client);
  deletionRoutes(api, client);
  notificationRoutes(api, client);
  shareRoutes(api, client);
}

function duplicateRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'get',
    path: '/duplicate-customers',
    operationId: 'listDuplicateCustomers',
    summary: "Pairs of customers in the caller's scope that look like the same one (same name, phone or e-mail), newest first",
    tag: TAG,
    permission: ['customer', 'read'],
    query: DuplicatePairsQuery,
    responses: { 200: { description: 'One page of pairs.', schema: DuplicatePairList }, 400: problem('Invalid query.'), ...authProblems },
    async handler({ query, token, res }) {
      const page = pageFromQuery(query);
      const response = await withMaintenanceJsonNames(
        unary(client.findDuplicateCustomers.bind(client), { customerId: '', page }, bearerMetadata(token)),
      );
      res.json({ items: response.pairs.map(pairToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{id}/duplicates',
    operationId: 'listCustomerDuplicates',
    summary: "Customers in the caller's scope that look like this one, best score first",
    tag: TAG,
    permission: ['customer', 'read'],
    params: CustomerIdParams,
    query: DuplicateCandidatesQuery,
    responses: {
      200: { description: 'The candidates.', schema: DuplicateCandidateList },
      400: problem('Invalid id or query.'),
      ...authProblems,
      404: notInScope,
    },
    async handler({ params, query, token, res }) {
      const page = { pageSize: query.pageSize ? Number(query.pageSize) : 0, pageToken: '' };
      const response = await withMaintenanceJsonNames(
        unary(client.findDuplicateCustomers.bind(client), { customerId: params.id, page }, bearerMetadata(token)),
      );
      res.json({ items: response.pairs.map(candidateToJson) });
    },
  });

  api.add({
    method: 'post',
    path: '/customers/merge',
    operationId: 'mergeCustomers',
    summary:
      'Merge one customer into another: its contacts, follow-ups, history and shares move to the survivor (needs customer:approve too)',
    tag: TAG,
    permission: ['customer', 'update'],
    body: MergeCustomersBody,
    responses: {
      200: { description: 'The survivor after the merge.', schema: Customer, headers: ETAG },
      400: problem('Invalid body.'),
      401: authProblems[401],
      403: problem('The caller lacks customer:update or customer:approve, or may only read one of the customers (code read_only).'),
      404: notInScope,
      409: problem('Records of both customers collide (code merge_conflict) or cannot move (merge_blocked); nothing changed.'),
      412: problem('One of the customers changed since the given version.'),
    },
    async handler({ body, token, res }) {
      const response = await withMaintenanceJsonNames(
        unary(client.mergeCustomers.bind(client), mergeRequestFromJson(body), bearerMetadata(token)),
      );
      const survivor = customerToJson(response.survivor!);
      res.set('ETag', `"${survivor.version}"`).json(survivor);
    },
  });
}

function deletionRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'post',
    path: '/customers/delete',
    operationId: 'deleteCustomers',
    summary: 'Delete customers (soft: an administrator can restore them); all or none',
    tag: TAG,
    permission: ['customer', 'delete'],
    body: DeleteCustomersBody,
    responses: {
      200: { description: 'Deleted.', schema: DeletedIds },
      400: problem('Invalid body.'),
      ...authProblems,
      404: problem("Some customers are outside the caller's scope; violations name each. Nothing changed."),
    },
    async handler({ body, token, res }) {
      const response = await withMaintenanceJsonNames(
        unary(client.deleteCustomers.bind(client), { ids: body.ids, reason: body.reason ?? '' }, bearerMetadata(token)),
      );
      res.json({ deletedIds: response.deletedIds });
    },
  });

  api.add({
    method: 'post',
    path: '/customers/restore',
    operationId: 'restoreCustomers',
    summary: 'Bring deleted customers back (administrators); all or none',
    tag: TAG,
    permission: ['admin', 'update'],
    body: RestoreCustomersBody,
    responses: {
      200: { description: 'The restored customers.', schema: CustomerItems },
      400: problem('Invalid body.'),
      ...authProblems,
      404: problem('Some ids are not deleted customers (merged ones cannot come back); violations name each. Nothing changed.'),
    },
    async handler({ body, token, res }) {
      const response = await withMaintenanceJsonNames(
        unary(client.restoreCustomers.bind(client), { ids: body.ids }, bearerMetadata(token)),
      );
      res.json({ items: response.customers.map(customerToJson) });
    },
  });

  api.add({
    method: 'get',
    path: '/deleted-customers',
    operationId: 'listDeletedCustomers',
    summary: 'The recycle bin: deleted customers, most recently deleted first',
    tag: TAG,
    permission: ['admin', 'read'],
    query: ListDeletedQuery,
    responses: { 200: { description: 'One page.', schema: DeletedCustomerList }, 400: problem('Invalid query.'), ...authProblems },
    async handler({ query, token, res }) {
      const request = { page: pageFromQuery(query), nameContains: query.q ?? '' };
      const response = await withMaintenanceJsonNames(unary(client.listDeletedCustomers.bind(client), request, bearerMetadata(token)));
      res.json({ items: response.customers.map(deletedCustomerToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });
}

function notificationRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'post',
    path: '/customers/notifications',
    operationId: 'requestCustomerNotification',
    summary: 'Ask the messaging service to notify customers (群发) by SMS, e-mail or system message',
    tag: TAG,
    permission: ['messaging', 'create'],
    body: NotificationBody,
    responses: {
      202: {
        description: "Passed on to the messaging service; ids outside the caller's scope are listed as not found.",
        schema: NotificationReceipt,
      },
      400: problem('Invalid body.'),
      ...authProblems,
      404: problem("None of the customers is in the caller's scope; nothing was sent."),
    },
    async handler({ body, token, res }) {
      const response = await withMaintenanceJsonNames(
        unary(client.requestCustomerNotification.bind(client), notificationRequestFromJson(body), bearerMetadata(token)),
      );
      res.status(202).json({
        notificationId: response.notificationId,
        acceptedCustomerIds: response.acceptedCustomerIds,
        notFoundCustomerIds: response.notFoundCustomerIds,
      });
    },
  });
}

function shareRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'get',
    path: '/customers/{id}/shares',
    operationId: 'listCustomerShares',
    summary: 'The partner organisations a customer is shared with (a partner sees only its own)',
    tag: TAG,
    permission: ['customer', 'read'],
    params: CustomerIdParams,
    responses: { 200: { description: 'The shares.', schema: ShareList }, 400: problem('Invalid id.'), ...authProblems, 404: notInScope },
    async handler({ params, token, res }) {
      const response = await withMaintenanceJsonNames(
        unary(client.listCustomerShares.bind(client), { customerId: params.id }, bearerMetadata(token)),
      );
      res.json({ items: response.shares.map(shareToJson) });
    },
  });

  api.add({
    method: 'post',
    path: '/customers/{id}/shares',
    operationId: 'shareCustomer',
    summary: 'Share a customer read-only with a partner organisation; sharing again changes nothing',
    tag: TAG,
    permission: ['customer', 'assign'],
    params: CustomerIdParams,
    body: ShareBody,
    responses: {
      201: { description: 'Shared.', schema: Share },
      200: { description: 'Was shared already.', schema: Share },
      400: problem('Invalid id or unit.'),
      ...authProblems,
      404: notInScope,
    },
    async handler({ params, body, token, req, res }) {
      const response = await withMaintenanceJsonNames(
        unary(client.shareCustomer.bind(client), { customerId: params.id, unit: body.unit }, bearerMetadata(token)),
      );
      const share = shareToJson(response.share!);
      if (response.created) res.status(201).location(`${req.baseUrl}/customers/${params.id}/shares/${encodeURIComponent(share.unit)}`);
      res.json(share);
    },
  });

  api.add({
    method: 'delete',
    path: '/customers/{id}/shares/{unit}',
    operationId: 'unshareCustomer',
    summary: 'Stop sharing a customer with a partner organisation (the unit URL-encoded)',
    tag: TAG,
    permission: ['customer', 'assign'],
    params: ShareParams,
    responses: {
      204: { description: 'No longer shared.' },
      400: problem('Invalid id or unit.'),
      ...authProblems,
      404: problem("No such customer in the caller's scope, or not shared with the unit."),
    },
    async handler({ params, token, res }) {
      await withMaintenanceJsonNames(
        unary(client.unshareCustomer.bind(client), { customerId: params.id, unit: params.unit }, bearerMetadata(token)),
      );
      res.status(204).end();
    },
  });
}
