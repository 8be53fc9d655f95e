import { approvalV1, type invalidApplicationV1 } from '@liaison/contracts';
import { AppError, DEFAULT_PAGE_SIZE, isIsoTime, isRecord, pageTokens } from '@liaison/runtime';
import type { ApprovalBackends } from '../backends/approval-backends';
import type { ApiRouter } from '../http/api-router';
import { CUSTOMER_IN_PATH } from '../http/field-names';
import { problem } from '../http/problem-responses';
import { approvalToJson, listRequestFromQuery } from './approval-json';
import {
  Approval,
  ApprovalIdParams,
  ApprovalList,
  DecisionBody,
  InvalidApplicationBody,
  ListApprovalsQuery,
  RejectionBody,
  WithdrawalBody,
} from './approval-schemas';
import { CustomerIdParams } from './customer-schemas';
import { withJsonFieldNames } from '../http/field-names';

const notDecider = {
  403: problem('The caller lacks the permission, or is not a decider of the step (code not_a_decider, own_request, not_requester).'),
};
const notVisible = { 404: problem('No such approval among those the caller may read.') };
const TAG = 'Approvals';

// One list over every service's approvals: the token is the last approval shown (its create
// time and id), from which every service continues in the order they all share.
const mergedPages = pageTokens<{ t: string; id: string }>('approvals', (cursor) =>
  isRecord(cursor) && isIsoTime(cursor.t) && typeof cursor.id === 'string' && /^[0-9a-f-]{36}$/.test(cursor.id)
    ? { t: cursor.t, id: cursor.id }
    : undefined,
);

function cursorOf(pageToken: string | undefined): approvalV1.ApprovalCursor | undefined {
  const position = mergedPages.decode(pageToken ?? '');
  return position && { createTime: new Date(position.t), id: position.id };
}

// A service's field names in the JSON API's casing, for calls made through the backends and for
// the gateway's own page token, which the shared decoder names as the services do.
async function inJsonNames<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw error instanceof AppError ? withJsonFieldNames(error) : error;
  }
}

export function approvalRoutes(
  api: ApiRouter,
  backends: ApprovalBackends,
  invalidApplications: invalidApplicationV1.InvalidApplicationServiceClient,
): void {
  api.add({
    method: 'post',
    path: '/customers/{id}/invalid-applications',
    operationId: 'applyForInvalidCustomer',
    summary: "Apply to have a customer declared invalid (无效客户申请); the manager of the owner's unit decides",
    tag: TAG,
    permission: ['approval', 'create'],
    params: CustomerIdParams,
    body: InvalidApplicationBody,
    fieldNames: CUSTOMER_IN_PATH,
    responses: {
      ...notDecider,
      201: { description: 'The pending application, with its steps and log.', schema: Approval },
      404: problem("No such customer in the caller's scope."),
      409: problem(
        'An application is already pending (approval_pending), the customer is already invalid (already_invalid) or cannot become invalid (illegal_category_move).',
      ),
    },
    async handler({ params, body, call, req, res }) {
      const response = await call(invalidApplications, 'createInvalidApplication', { customerId: params.id, reason: body.reason });
      const approval = approvalToJson(response.approval!, true);
      res.status(201).location(`${req.baseUrl}/approvals/${approval.id}`).json(approval);
    },
  });

  api.add({
    method: 'get',
    path: '/approvals',
    operationId: 'listApprovals',
    summary: 'Approvals of every service the caller may read: requested by them, awaiting their decision (the inbox), or all; newest first',
    tag: TAG,
    permission: ['approval', 'read'],
    query: ListApprovalsQuery,
    responses: {
      200: { description: 'One page, without the operation logs.', schema: ApprovalList },
    },
    async handler({ query, metadata, res }) {
      const pageSize = query.pageSize ? Number(query.pageSize) : DEFAULT_PAGE_SIZE;
      const page = await inJsonNames(async () =>
        backends.list(metadata, { ...listRequestFromQuery(query), before: cursorOf(query.pageToken) }, pageSize),
      );
      const next = page.next && mergedPages.encode({ t: page.next.createTime!.toISOString(), id: page.next.id });
      res.json({ items: page.approvals.map((approval) => approvalToJson(approval, false)), nextPageToken: next || null });
    },
  });

  api.add({
    method: 'get',
    path: '/approvals/{id}',
    operationId: 'getApproval',
    summary: 'One approval with its steps and operation log',
    tag: TAG,
    permission: ['approval', 'read'],
    params: ApprovalIdParams,
    responses: { 200: { description: 'The approval.', schema: Approval }, ...notVisible },
    async handler({ params, call, metadata, res }) {
      const { client } = await inJsonNames(() => backends.ownerOf(metadata, params.id));
      const response = await call(client, 'getApproval', { id: params.id });
      res.json(approvalToJson(response.approval!, true));
    },
  });

  const decisionResponses = {
    ...notDecider,
    200: { description: 'The approval after the decision, with its log.', schema: Approval },
    ...notVisible,
    409: problem('The request is no longer pending (not_pending) or the step was decided already (step_already_decided).'),
  };

  api.add({
    method: 'post',
    path: '/approvals/{id}/approve',
    operationId: 'approveApproval',
    summary: 'Approve the current step; approving the last step applies the request',
    tag: TAG,
    permission: ['approval', 'approve'],
    params: ApprovalIdParams,
    body: DecisionBody,
    responses: decisionResponses,
    async handler({ params, body, call, metadata, res }) {
      const { client } = await inJsonNames(() => backends.ownerOf(metadata, params.id));
      const response = await call(client, 'approve', { id: params.id, step: body.step, comment: body.comment ?? '' });
      res.json(approvalToJson(response.approval!, true));
    },
  });

  api.add({
    method: 'post',
    path: '/approvals/{id}/reject',
    operationId: 'rejectApproval',
    summary: 'Reject the current step with a comment; this ends the request',
    tag: TAG,
    permission: ['approval', 'approve'],
    params: ApprovalIdParams,
    body: RejectionBody,
    responses: decisionResponses,
    async handler({ params, body, call, metadata, res }) {
      const { client } = await inJsonNames(() => backends.ownerOf(metadata, params.id));
      const response = await call(client, 'reject', { id: params.id, step: body.step, comment: body.comment });
      res.json(approvalToJson(response.approval!, true));
    },
  });

  api.add({
    method: 'post',
    path: '/approvals/{id}/withdraw',
    operationId: 'withdrawApproval',
    summary: 'The requester takes back a pending request',
    tag: TAG,
    permission: ['approval', 'create'],
    params: ApprovalIdParams,
    body: WithdrawalBody,
    responses: {
      ...decisionResponses,
      200: { description: 'The withdrawn approval, with its log.', schema: Approval },
      409: problem('The request is no longer pending (not_pending).'),
    },
    async handler({ params, body, call, metadata, res }) {
      const { client } = await inJsonNames(() => backends.ownerOf(metadata, params.id));
      const response = await call(client, 'withdraw', { id: params.id, comment: body.comment ?? '' });
      res.json(approvalToJson(response.approval!, true));
    },
  });
}
