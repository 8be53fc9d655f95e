import { Type } from '@sinclair/typebox';
import { customerMaintenanceV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { CUSTOMER_IN_PATH, SEARCH_QUERY } from '../http/field-names';
import { problem } from '../http/problem-responses';
import { customerToJson } from './customer-json';
import { Customer, CustomerIdParams } from './customer-schemas';
import {
  candidateToJson,
  deletedCustomerToJson,
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

// Keeping the customer base clean: duplicates and merge (CUS-10), bulk delete, the recycle bin
// and bulk notification requests (CUS-20), read-only sharing with partner organisations.

type Client = customerMaintenanceV1.CustomerMaintenanceServiceClient;

const TAG = 'Customer maintenance';
const notInScope = problem("No such customer in the caller's scope.");
const ETAG = { ETag: { description: 'The customer version, for If-Match.', schema: Type.String() } };

// A merge names the versions of both customers it expects.
const MERGE_FIELD_NAMES = { survivorExpectedVersion: 'survivorVersion', mergedExpectedVersion: 'mergedVersion' };

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
    responses: { 200: { description: 'One page of pairs.', schema: DuplicatePairList } },
    async handler({ query, call, res }) {
      const page = pageFromQuery(query);
      const response = await call(client, 'findDuplicateCustomers', { customerId: '', page });
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
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      200: { description: 'The candidates.', schema: DuplicateCandidateList },
      404: notInScope,
    },
    async handler({ params, query, call, res }) {
      const page = { pageSize: query.pageSize ? Number(query.pageSize) : 0, pageToken: '' };
      const response = await call(client, 'findDuplicateCustomers', { customerId: params.id, page });
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
    fieldNames: MERGE_FIELD_NAMES,
    responses: {
      200: { description: 'The survivor after the merge.', schema: Customer, headers: ETAG },
      403: problem('The caller lacks customer:update or customer:approve, or may only read one of the customers (code read_only).'),
      404: notInScope,
      409: problem('Records of both customers collide (code merge_conflict) or cannot move (merge_blocked); nothing changed.'),
      412: problem('One of the customers changed since the given version.'),
    },
    async handler({ body, call, res }) {
      const response = await call(client, 'mergeCustomers', mergeRequestFromJson(body));
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
      404: problem("Some customers are outside the caller's scope; violations name each. Nothing changed."),
    },
    async handler({ body, call, res }) {
      const response = await call(client, 'deleteCustomers', { ids: body.ids, reason: body.reason ?? '' });
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
      404: problem('Some ids are not deleted customers (merged ones cannot come back); violations name each. Nothing changed.'),
    },
    async handler({ body, call, res }) {
      const response = await call(client, 'restoreCustomers', { ids: body.ids });
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
    fieldNames: SEARCH_QUERY,
    responses: { 200: { description: 'One page.', schema: DeletedCustomerList } },
    async handler({ query, call, res }) {
      const request = { page: pageFromQuery(query), nameContains: query.q ?? '' };
      const response = await call(client, 'listDeletedCustomers', request);
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
      404: problem("None of the customers is in the caller's scope; nothing was sent."),
    },
    async handler({ body, call, res }) {
      const response = await call(client, 'requestCustomerNotification', notificationRequestFromJson(body));
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
    fieldNames: CUSTOMER_IN_PATH,
    responses: { 200: { description: 'The shares.', schema: ShareList }, 404: notInScope },
    async handler({ params, call, res }) {
      const response = await call(client, 'listCustomerShares', { customerId: params.id });
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
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      201: { description: 'Shared.', schema: Share },
      200: { description: 'Was shared already.', schema: Share },
      400: problem('Invalid id or unit.'),
      404: notInScope,
    },
    async handler({ params, body, call, req, res }) {
      const response = await call(client, 'shareCustomer', { customerId: params.id, unit: body.unit });
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
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      204: { description: 'No longer shared.' },
      400: problem('Invalid id or unit.'),
      404: problem("No such customer in the caller's scope, or not shared with the unit."),
    },
    async handler({ params, call, res }) {
      await call(client, 'unshareCustomer', { customerId: params.id, unit: params.unit });
      res.status(204).end();
    },
  });
}
