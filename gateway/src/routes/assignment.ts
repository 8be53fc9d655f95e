import { Type } from '@sinclair/typebox';
import { assignmentV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { CUSTOMER_IN_PATH, SEARCH_QUERY } from '../http/field-names';
import { problem, versionProblems } from '../http/problem-responses';
import {
  changeToJson,
  contactStateFromQuery,
  listPoolRequestFromQuery,
  pendingCustomerToJson,
  poolCustomerToJson,
  ruleRequestFromJson,
  ruleToJson,
} from './assignment-json';
import {
  AssignBody,
  CustomerItems,
  EmptyBody,
  FollowersBody,
  ListPendingQuery,
  ListPoolQuery,
  OwnershipHistory,
  PendingCustomerList,
  PoolCustomerIdParams,
  PoolCustomerList,
  PoolRule,
  PoolRuleBody,
  PoolRuleRun,
  ReleaseBody,
  TransferBody,
  TransferSettings,
  TransferSettingsBody,
} from './assignment-schemas';
import { approvalToJson, asApprovalV1 } from './approval-json';
import { Approval } from './approval-schemas';
import { customerToJson } from './customer-json';
import { Customer } from './customer-schemas';
import { pageFromQuery, nextPageTokenOf } from '../http/paging';
import { expectedVersion } from '../http/versions';

// Who owns a customer: the public pool (公海), pending customers (待处理), assignment, transfer
// (客户转移), the ownership history and the return-to-pool rule.

type Client = assignmentV1.CustomerAssignmentServiceClient;

const TAG = 'Customer ownership';
const notInScope = { 404: problem("No such customer in the caller's scope.") };
const bulkProblems = {
  403: problem('The caller lacks the permission, or names a unit they do not manage (code unit_not_managed).'),
  404: problem("A customer is outside the caller's scope; violations name it by index. Nothing changed."),
  409: problem(
    'Some customers cannot change hands (codes owned_use_transfer, in_pool, already_owner, bulk_refused); violations name each by index. Nothing changed.',
  ),
};
const RULE_ETAG = { ETag: { description: 'The rule version, for If-Match.', schema: Type.String() } };

export function assignmentRoutes(api: ApiRouter, client: Client): void {
  poolRoutes(api, client);
  handoverRoutes(api, client);
  ruleRoutes(api, client);
}

function poolRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'get',
    path: '/pool/customers',
    operationId: 'listPoolCustomers',
    summary: 'The public pool (公海): customers without owner, pool fields only, newest first',
    tag: TAG,
    permission: ['pool', 'read'],
    query: ListPoolQuery,
    fieldNames: SEARCH_QUERY,
    responses: { 200: { description: 'One page.', schema: PoolCustomerList } },
    async handler({ query, call, res }) {
      const response = await call(client, 'listPool', listPoolRequestFromQuery(query));
      res.json({ items: response.customers.map(poolCustomerToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'post',
    path: '/pool/customers/{id}/claim',
    operationId: 'claimPoolCustomer',
    summary: 'Take a customer from the pool: the caller becomes its owner, in their own unit',
    tag: TAG,
    permission: ['pool', 'update'],
    params: PoolCustomerIdParams,
    body: EmptyBody,
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      200: { description: "The customer, now the caller's.", schema: Customer },
      ...notInScope,
      409: problem('Someone owns it already, e.g. won a concurrent claim (code already_owned).'),
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'claimFromPool', { customerId: params.id });
      res.json(customerToJson(response.customer!));
    },
  });

  api.add({
    method: 'post',
    path: '/customers/{id}/release',
    operationId: 'releaseCustomerToPool',
    summary: "Give a customer up to the pool: its owner, or a supervisor of the owner's unit",
    tag: TAG,
    permission: ['pool', 'update'],
    params: PoolCustomerIdParams,
    body: ReleaseBody,
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      200: { description: 'The customer, now in the pool.', schema: Customer },
      ...notInScope,
      409: problem('It is in the pool already (code already_in_pool).'),
    },
    async handler({ params, body, call, res }) {
      const response = await call(client, 'releaseToPool', { customerId: params.id, reason: body.reason });
      res.json(customerToJson(response.customer!));
    },
  });
}

function handoverRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'post',
    path: '/customers/assign',
    operationId: 'assignCustomers',
    summary: 'Hand pool or pending customers to one rep of a unit the caller manages (all or nothing)',
    tag: TAG,
    permission: ['customer', 'assign'],
    body: AssignBody,
    responses: { 200: { description: 'The assigned customers.', schema: CustomerItems }, ...bulkProblems },
    async handler({ body, call, res }) {
      const response = await call(client, 'assignCustomers', {
        customerIds: body.customerIds,
        assigneeId: body.assigneeId,
        assigneeUnit: body.assigneeUnit,
        reason: body.reason ?? '',
      });
      res.json({ items: response.customers.map(customerToJson) });
    },
  });

  api.add({
    method: 'post',
    path: '/customers/followers',
    operationId: 'assignFollowers',
    summary: 'Name a follower (跟进人) for owned customers, e.g. contacted pending ones (all or nothing)',
    tag: TAG,
    permission: ['customer', 'assign'],
    body: FollowersBody,
    responses: { 200: { description: 'The customers with their follower.', schema: CustomerItems }, ...bulkProblems },
    async handler({ body, call, res }) {
      const response = await call(client, 'assignFollowers', body);
      res.json({ items: response.customers.map(customerToJson) });
    },
  });

  api.add({
    method: 'get',
    path: '/pending-customers',
    operationId: 'listPendingCustomers',
    summary: 'Pending customers (待处理): from import or the pool, not contacted since; newest first',
    tag: TAG,
    permission: ['customer', 'read'],
    query: ListPendingQuery,
    responses: { 200: { description: 'One page.', schema: PendingCustomerList } },
    async handler({ query, call, res }) {
      const response = await call(
        client,
        'listPending',
        assignmentV1.ListPendingRequest.fromPartial({
          page: pageFromQuery(query),
          contactState: contactStateFromQuery(query.contacted),
          unit: query.unit ?? '',
        }),
      );
      res.json({ items: response.customers.map(pendingCustomerToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  // customer:update at the door, because while transfers need approval a rep asks for one (202);
  // otherwise the service still requires customer:transfer and answers 200 when it moved them.
  api.add({
    method: 'post',
    path: '/customers/transfer',
    operationId: 'transferCustomers',
    summary:
      'Transfer customers (客户转移) to a rep, with a reason (all or nothing); through an approval (客户转移审批) when the settings require it',
    tag: TAG,
    permission: ['customer', 'update'],
    body: TransferBody,
    responses: {
      200: { description: 'The transferred customers.', schema: CustomerItems },
      202: { description: 'The transfer awaits approval; nothing moved yet.', schema: Approval },
      ...bulkProblems,
      409: problem(
        'Some customers cannot change hands (codes owned_use_transfer, in_pool, already_owner, transfer_pending, mixed_owner_units, bulk_refused); violations name each by index. Nothing changed.',
      ),
    },
    async handler({ body, call, res }) {
      const response = await call(client, 'transferCustomers', {
        customerIds: body.customerIds,
        toOwnerId: body.toOwnerId,
        toOwnerUnit: body.toOwnerUnit,
        reason: body.reason,
        keepPreviousOwnerAsFollower: body.keepPreviousOwnerAsFollower ?? false,
      });
      if (response.pending && response.approval) {
        res
          .status(202)
          .location(`/api/v1/approvals/${response.approval.id}`)
          .json(approvalToJson(asApprovalV1(response.approval), true));
        return;
      }
      res.json({ items: response.customers.map(customerToJson) });
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{id}/ownership-history',
    operationId: 'getOwnershipHistory',
    summary: "Every change of owner of a customer, oldest first; a pool customer's to every pool reader",
    tag: TAG,
    permission: ['customer', 'read'],
    params: PoolCustomerIdParams,
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      200: { description: 'The changes.', schema: OwnershipHistory },
      ...notInScope,
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'getOwnershipHistory', { customerId: params.id });
      res.json({ items: response.changes.map(changeToJson) });
    },
  });
}

function ruleRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'get',
    path: '/settings/pool-rule',
    operationId: 'getPoolRule',
    summary: 'The rule that returns customers to the pool after days without follow-up',
    tag: TAG,
    permission: ['admin', 'read'],
    responses: { 200: { description: 'The rule.', schema: PoolRule, headers: RULE_ETAG } },
    async handler({ call, res }) {
      const rule = ruleToJson((await call(client, 'getPoolRule', {})).rule!);
      res.set('ETag', `"${rule.version}"`).json(rule);
    },
  });

  api.add({
    method: 'put',
    path: '/settings/pool-rule',
    operationId: 'updatePoolRule',
    summary: 'Change the return-to-pool rule (optimistic concurrency)',
    tag: TAG,
    permission: ['admin', 'update'],
    body: PoolRuleBody,
    requestHeaders: { 'If-Match': { description: 'ETag of the rule being changed; or send body.version.', schema: Type.String() } },
    responses: {
      200: { description: 'The rule in force.', schema: PoolRule, headers: RULE_ETAG },
      ...versionProblems('rule'),
    },
    async handler({ body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'rule');
      const rule = ruleToJson((await call(client, 'updatePoolRule', ruleRequestFromJson(body, version))).rule!);
      res.set('ETag', `"${rule.version}"`).json(rule);
    },
  });

  api.add({
    method: 'get',
    path: '/settings/transfer-approval',
    operationId: 'getTransferSettings',
    summary: 'Whether transfers by anyone but an admin need approval (客户转移审批)',
    tag: TAG,
    permission: ['admin', 'read'],
    responses: { 200: { description: 'The settings.', schema: TransferSettings, headers: RULE_ETAG } },
    async handler({ call, res }) {
      const settings = transferSettingsToJson((await call(client, 'getTransferSettings', {})).settings!);
      res.set('ETag', `"${settings.version}"`).json(settings);
    },
  });

  api.add({
    method: 'put',
    path: '/settings/transfer-approval',
    operationId: 'updateTransferSettings',
    summary: 'Turn transfer approval on or off (optimistic concurrency)',
    tag: TAG,
    permission: ['admin', 'update'],
    body: TransferSettingsBody,
    requestHeaders: { 'If-Match': { description: 'ETag of the settings being changed; or send body.version.', schema: Type.String() } },
    responses: {
      200: { description: 'The settings in force.', schema: TransferSettings, headers: RULE_ETAG },
      ...versionProblems('settings'),
    },
    async handler({ body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'rule');
      const request = { approvalRequired: body.approvalRequired, expectedVersion: version };
      const settings = transferSettingsToJson((await call(client, 'updateTransferSettings', request)).settings!);
      res.set('ETag', `"${settings.version}"`).json(settings);
    },
  });

  api.add({
    method: 'post',
    path: '/settings/pool-rule/run',
    operationId: 'runPoolRule',
    summary: 'Evaluate the return-to-pool rule now, as the scheduled job does (repeating it is harmless)',
    tag: TAG,
    permission: ['admin', 'update'],
    body: EmptyBody,
    responses: { 200: { description: 'What the run returned to the pool.', schema: PoolRuleRun } },
    async handler({ call, res }) {
      const run = await call(client, 'runPoolRuleNow', {});
      res.json({ enabled: run.enabled, returnedCustomerIds: run.returnedCustomerIds });
    },
  });
}

function transferSettingsToJson(settings: assignmentV1.TransferSettings) {
  return {
    approvalRequired: settings.approvalRequired,
    version: Number(settings.version),
    updatedAt: settings.updateTime?.toISOString() ?? '',
    updatedBy: settings.updatedBy,
  };
}
