import { Type } from '@sinclair/typebox';
import type { salesLeadV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem, versionProblems } from '../http/problem-responses';
import { nextPageTokenOf } from '../http/paging';
import { expectedVersion } from '../http/versions';
import {
  createRequestFromJson,
  LEAD_FIELD_NAMES,
  leadToJson,
  LIST_FIELD_NAMES,
  listRequestFromQuery,
  statusRequestFromJson,
  updateRequestFromJson,
} from './lead-json';
import { ChangeLeadStatusBody, CreateLeadBody, Lead, LeadIdParams, LeadList, ListLeadsQuery, UpdateLeadBody } from './lead-schemas';

// Leads (线索, SAL-01) of the sales-pipeline service.

const TAG = 'Leads';
const ETAG = { ETag: { description: 'The lead version, for If-Match.', schema: Type.String() } };
const IF_MATCH = { 'If-Match': { description: 'ETag of the version being changed; or send body.version.', schema: Type.String() } };
const NOT_FOUND = problem("No such lead in the caller's scope.");

export function leadRoutes(api: ApiRouter, client: salesLeadV1.LeadServiceClient): void {
  api.add({
    method: 'post',
    path: '/leads',
    operationId: 'createLead',
    summary: 'Create a lead (线索) owned by the caller, status new',
    tag: TAG,
    permission: ['sales', 'create'],
    body: CreateLeadBody,
    fieldNames: LEAD_FIELD_NAMES,
    responses: { 201: { description: 'Created.', schema: Lead, headers: ETAG } },
    async handler({ body, call, req, res }) {
      const lead = leadToJson((await call(client, 'createLead', createRequestFromJson(body))).lead!);
      res.status(201).location(`${req.baseUrl}/leads/${lead.id}`).set('ETag', `"${lead.version}"`).json(lead);
    },
  });

  api.add({
    method: 'get',
    path: '/leads',
    operationId: 'listLeads',
    summary: "The leads in the caller's scope, newest first, with filters and cursor paging",
    tag: TAG,
    permission: ['sales', 'read'],
    query: ListLeadsQuery,
    fieldNames: LIST_FIELD_NAMES,
    responses: { 200: { description: 'One page.', schema: LeadList } },
    async handler({ query, call, res }) {
      const response = await call(client, 'listLeads', listRequestFromQuery(query));
      res.json({ items: response.leads.map(leadToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'get',
    path: '/leads/{id}',
    operationId: 'getLead',
    summary: 'Read one lead',
    tag: TAG,
    permission: ['sales', 'read'],
    params: LeadIdParams,
    responses: { 200: { description: 'The lead.', schema: Lead, headers: ETAG }, 404: NOT_FOUND },
    async handler({ params, call, res }) {
      const lead = leadToJson((await call(client, 'getLead', { id: params.id })).lead!);
      res.set('ETag', `"${lead.version}"`).json(lead);
    },
  });

  api.add({
    method: 'patch',
    path: '/leads/{id}',
    operationId: 'updateLead',
    summary: 'Change some fields of a lead (optimistic concurrency)',
    tag: TAG,
    permission: ['sales', 'update'],
    params: LeadIdParams,
    body: UpdateLeadBody,
    requestHeaders: IF_MATCH,
    fieldNames: LEAD_FIELD_NAMES,
    responses: {
      200: { description: 'The changed lead.', schema: Lead, headers: ETAG },
      404: NOT_FOUND,
      ...versionProblems('lead'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'lead');
      const { version: _ignored, ...fields } = body;
      if (Object.keys(fields).length === 0) throw new HttpProblem(400, 'validation_failed', 'name at least one field to change');
      const lead = leadToJson((await call(client, 'updateLead', updateRequestFromJson(params.id, version, fields))).lead!);
      res.set('ETag', `"${lead.version}"`).json(lead);
    },
  });

  api.add({
    method: 'post',
    path: '/leads/{id}/status',
    operationId: 'changeLeadStatus',
    summary: 'Move a lead along its statuses: contacted, qualified, disqualified with a reason, or reopened as new',
    tag: TAG,
    permission: ['sales', 'update'],
    params: LeadIdParams,
    body: ChangeLeadStatusBody,
    requestHeaders: IF_MATCH,
    responses: {
      200: { description: 'The lead in its new status.', schema: Lead, headers: ETAG },
      404: NOT_FOUND,
      409: problem('The lead cannot move from its status to the one asked for (code failed_precondition).'),
      ...versionProblems('lead'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'lead');
      const lead = leadToJson((await call(client, 'changeLeadStatus', statusRequestFromJson(params.id, version, body))).lead!);
      res.set('ETag', `"${lead.version}"`).json(lead);
    },
  });
}
