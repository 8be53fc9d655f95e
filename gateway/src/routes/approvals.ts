import { customerApprovalV1 } from '@liaison/contracts';
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
import { nextPageTokenOf } from '../http/paging';

const notDecider = {
  403: problem('The caller lacks the permission, or is not a decider of the step (code not_a_decider, own_request, not_requester).'),
};
const notVisible = { 404: problem('No such approval among those the caller may read.') };
const TAG = 'Approvals';

export function approvalRoutes(api: ApiRouter, client: customerApprovalV1.ApprovalServiceClient): void {
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
      const response = await call(client, 'applyForInvalid', { customerId: params.id, reason: body.reason });
      const approval = approvalToJson(response.approval!, true);
      res.status(201).location(`${req.baseUrl}/approvals/${approval.id}`).json(approval);
    },
  });

  api.add({
    method: 'get',
    path: '/approvals',
    operationId: 'listApprovals',
    summary: 'Approvals the caller may read: requested by them, awaiting their decision, or all; newest first',
    tag: TAG,
    permission: ['approval', 'read'],
    query: ListApprovalsQuery,
    responses: {
      200: { description: 'One page, without the operation logs.', schema: ApprovalList },
    },
    async handler({ query, call, res }) {
      const response = await call(client, 'listApprovals', listRequestFromQuery(query));
      res.json({
        items: response.approvals.map((approval) => approvalToJson(approval, false)),
        nextPageToken: nextPageTokenOf(response.page),
      });
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
    async handler({ params, call, res }) {
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
    async handler({ params, body, call, res }) {
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
    async handler({ params, body, call, res }) {
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
    async handler({ params, body, call, res }) {
      const response = await call(client, 'withdraw', { id: params.id, comment: body.comment ?? '' });
      res.json(approvalToJson(response.approval!, true));
    },
  });
}
