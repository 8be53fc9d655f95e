import { Type } from '@sinclair/typebox';
import { followUpV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { CUSTOMER_IN_PATH } from '../http/field-names';
import { problem } from '../http/problem-responses';
import { CustomerIdParams } from './customer-schemas';
import { annotationToJson, createRequestFromJson, filterFromQuery, followUpToJson, updateRequestFromJson } from './followup-json';
import {
  Annotation,
  AnnotateBody,
  CreateFollowUpBody,
  FollowUp,
  FollowUpIdParams,
  FollowUpList,
  ListFollowUpsQuery,
  UpdateFollowUpBody,
} from './followup-schemas';
import { nextPageTokenOf } from '../http/paging';

const TAG = 'Follow-ups';
// JSON says when a follow-up occurred (occurredAt); protobuf has its occur_time.
const FOLLOW_UP_FIELD_NAMES = { occurTime: 'occurredAt' };
// The list filters are query parameters in JSON, a nested filter in protobuf.
const FILTER_FIELD_NAMES = { 'filter': '', 'filter.methods': 'method' };

const listJson = (response: { followUps: followUpV1.FollowUp[]; page?: { nextPageToken: string } }) => ({
  items: response.followUps.map(followUpToJson),
  nextPageToken: nextPageTokenOf(response.page),
});

export function followUpRoutes(api: ApiRouter, client: followUpV1.FollowUpServiceClient): void {
  api.add({
    method: 'post',
    path: '/customers/{id}/follow-ups',
    operationId: 'createFollowUp',
    summary: 'Record a follow-up or visit (跟单/拜访记录) on a customer the caller may change',
    tag: TAG,
    permission: ['followup', 'create'],
    params: CustomerIdParams,
    body: CreateFollowUpBody,
    requestHeaders: {
      'Idempotency-Key': {
        description: 'Repeat a create safely: the same key returns the first result.',
        schema: Type.String({ maxLength: 100 }),
      },
    },
    fieldNames: { ...CUSTOMER_IN_PATH, ...FOLLOW_UP_FIELD_NAMES },
    responses: {
      201: { description: 'Recorded.', schema: FollowUp },
      404: problem("No such customer in the caller's scope."),
    },
    async handler({ params, body, call, req, res }) {
      const request = createRequestFromJson(params.id, body, req.get('idempotency-key'));
      const followUp = followUpToJson((await call(client, 'createFollowUp', request)).followUp!);
      res.status(201).location(`${req.baseUrl}/follow-ups/${followUp.id}`).json(followUp);
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{id}/follow-ups',
    operationId: 'listFollowUps',
    summary: 'The follow-up records of a customer, newest first, with filters and cursor paging',
    tag: TAG,
    permission: ['followup', 'read'],
    params: CustomerIdParams,
    query: ListFollowUpsQuery,
    fieldNames: { ...CUSTOMER_IN_PATH, ...FILTER_FIELD_NAMES },
    responses: {
      200: { description: 'One page.', schema: FollowUpList },
      404: problem("No such customer in the caller's scope."),
    },
    async handler({ params, query, call, res }) {
      const request = followUpV1.ListFollowUpsRequest.fromPartial({ customerId: params.id, ...filterFromQuery(query) });
      res.json(listJson(await call(client, 'listFollowUps', request)));
    },
  });

  api.add({
    method: 'get',
    path: '/team/follow-ups',
    operationId: 'listTeamFollowUps',
    summary: "The follow-up records on every customer in the caller's scope: a manager's team, newest first",
    tag: TAG,
    permission: ['followup', 'read'],
    query: ListFollowUpsQuery,
    fieldNames: FILTER_FIELD_NAMES,
    responses: { 200: { description: 'One page.', schema: FollowUpList } },
    async handler({ query, call, res }) {
      const request = followUpV1.ListTeamFollowUpsRequest.fromPartial(filterFromQuery(query));
      res.json(listJson(await call(client, 'listTeamFollowUps', request)));
    },
  });

  api.add({
    method: 'get',
    path: '/follow-ups/{id}',
    operationId: 'getFollowUp',
    summary: 'Read one follow-up record with its annotations',
    tag: TAG,
    permission: ['followup', 'read'],
    params: FollowUpIdParams,
    responses: {
      200: { description: 'The record.', schema: FollowUp },
      404: problem("No such record in the caller's scope."),
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'getFollowUp', { id: params.id });
      res.json(followUpToJson(response.followUp!));
    },
  });

  api.add({
    method: 'patch',
    path: '/follow-ups/{id}',
    operationId: 'updateFollowUp',
    summary: "Change one's own follow-up record within 24 hours of recording it",
    tag: TAG,
    permission: ['followup', 'update'],
    params: FollowUpIdParams,
    body: UpdateFollowUpBody,
    fieldNames: FOLLOW_UP_FIELD_NAMES,
    responses: {
      200: { description: 'The changed record.', schema: FollowUp },
      403: problem('The caller lacks the permission, or is not the author (code not_author).'),
      404: problem("No such record in the caller's scope."),
      409: problem('More than 24 hours since it was recorded (code edit_window_closed).'),
    },
    async handler({ params, body, call, res }) {
      const response = await call(client, 'updateFollowUp', updateRequestFromJson(params.id, body));
      res.json(followUpToJson(response.followUp!));
    },
  });

  api.add({
    method: 'delete',
    path: '/follow-ups/{id}',
    operationId: 'deleteFollowUp',
    summary: 'Delete a follow-up record softly (it leaves every read but stays stored)',
    tag: TAG,
    permission: ['followup', 'delete'],
    params: FollowUpIdParams,
    responses: {
      204: { description: 'Deleted.' },
      404: problem("No such record in the caller's scope."),
    },
    async handler({ params, call, res }) {
      await call(client, 'deleteFollowUp', { id: params.id });
      res.status(204).end();
    },
  });

  api.add({
    method: 'post',
    path: '/follow-ups/{id}/annotations',
    operationId: 'annotateFollowUp',
    summary: "A supervisor's annotation (批示) on a follow-up record; the rep is notified",
    tag: TAG,
    permission: ['followup', 'approve'],
    params: FollowUpIdParams,
    body: AnnotateBody,
    responses: {
      201: { description: 'The annotation.', schema: Annotation },
      404: problem("No such record in the caller's scope."),
    },
    async handler({ params, body, call, req, res }) {
      const response = await call(client, 'annotateFollowUp', { followUpId: params.id, comment: body.comment });
      res.status(201).location(`${req.baseUrl}/follow-ups/${params.id}`).json(annotationToJson(response.annotation!));
    },
  });
}
