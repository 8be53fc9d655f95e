import { Type } from '@sinclair/typebox';
import { salesLeadV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem, versionProblems } from '../http/problem-responses';
import { nextPageTokenOf } from '../http/paging';
import { etagOf, expectedVersion, IF_MATCH_HEADER } from '../http/versions';
import {
  createRequestFromJson,
  createRuleRequestFromJson,
  duplicatesToJson,
  LEAD_FIELD_NAMES,
  ruleToJson,
  updateRuleRequestFromJson,
  leadToJson,
  LIST_FIELD_NAMES,
  listRequestFromQuery,
  statusRequestFromJson,
  updateRequestFromJson,
} from './lead-json';
import {
  AssignLeadBody,
  ChangeLeadStatusBody,
  CreateLeadAssignmentRuleBody,
  CreateLeadBody,
  FindLeadDuplicatesBody,
  LeadDuplicateList,
  Lead,
  LeadAssignmentRule,
  LeadAssignmentRuleList,
  LeadIdParams,
  LeadList,
  ListLeadsQuery,
  RuleIdParams,
  UpdateLeadAssignmentRuleBody,
  UpdateLeadBody,
} from './lead-schemas';

// Leads (线索, SAL-01) of the sales-pipeline service.

const TAG = 'Leads';
const ETAG = { ETag: { description: 'The lead version, for If-Match.', schema: Type.String() } };
const NOT_FOUND = problem("No such lead in the caller's scope.");

const RULE_NOT_FOUND = problem('No such rule among the units the caller manages.');
const UNIT_NOT_MANAGED = problem('The caller lacks the permission, or does not manage the unit named (code unit_not_managed).');

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
    responses: {
      201: { description: 'Created.', schema: Lead, headers: ETAG },
      409: problem(
        'An open lead has the same phone or e-mail (code duplicate_lead; violations name them); send allowDuplicate to create anyway.',
      ),
    },
    async handler({ body, call, req, res }) {
      const lead = leadToJson((await call(client, 'createLead', createRequestFromJson(body))).lead!);
      res.status(201).location(`${req.baseUrl}/leads/${lead.id}`).set('ETag', etagOf(lead.version)).json(lead);
    },
  });

  api.add({
    method: 'post',
    path: '/leads/duplicates',
    operationId: 'findLeadDuplicates',
    summary: 'Leads of any owner with the same company name, phone or e-mail (names only of those in your scope)',
    tag: TAG,
    permission: ['sales', 'create'],
    body: FindLeadDuplicatesBody,
    fieldNames: LEAD_FIELD_NAMES,
    responses: { 200: { description: 'Most reasons first, then newest; at most 20.', schema: LeadDuplicateList } },
    async handler({ body, call, res }) {
      const lead = salesLeadV1.Lead.fromPartial(body);
      res.json(duplicatesToJson((await call(client, 'findLeadDuplicates', { lead })).duplicates));
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
      res.set('ETag', etagOf(lead.version)).json(lead);
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
    requestHeaders: IF_MATCH_HEADER,
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
      res.set('ETag', etagOf(lead.version)).json(lead);
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
    requestHeaders: IF_MATCH_HEADER,
    responses: {
      200: { description: 'The lead in its new status.', schema: Lead, headers: ETAG },
      404: NOT_FOUND,
      409: problem('The lead cannot move from its status to the one asked for (code failed_precondition).'),
      ...versionProblems('lead'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'lead');
      const lead = leadToJson((await call(client, 'changeLeadStatus', statusRequestFromJson(params.id, version, body))).lead!);
      res.set('ETag', etagOf(lead.version)).json(lead);
    },
  });

  api.add({
    method: 'post',
    path: '/leads/{id}/assign',
    operationId: 'assignLead',
    summary: 'Give a lead to a rep of a unit the caller manages (any unit for an admin)',
    tag: TAG,
    permission: ['sales', 'assign'],
    params: LeadIdParams,
    body: AssignLeadBody,
    requestHeaders: IF_MATCH_HEADER,
    responses: {
      200: { description: 'The lead with its new owner.', schema: Lead, headers: ETAG },
      403: UNIT_NOT_MANAGED,
      404: NOT_FOUND,
      409: problem('A converted lead keeps its owner (code failed_precondition).'),
      ...versionProblems('lead'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'lead');
      const request = { id: params.id, expectedVersion: version, toOwnerId: body.toOwnerId, toOwnerUnit: body.toOwnerUnit };
      const lead = leadToJson((await call(client, 'assignLead', request)).lead!);
      res.set('ETag', etagOf(lead.version)).json(lead);
    },
  });
}

const RULES_TAG = 'Lead assignment rules';
const RULE_FIELD_NAMES = { rule: '' };

export function leadAssignmentRoutes(api: ApiRouter, client: salesLeadV1.LeadAssignmentServiceClient): void {
  api.add({
    method: 'post',
    path: '/lead-assignment-rules',
    operationId: 'createLeadAssignmentRule',
    summary: 'Add a rule that hands new leads round-robin to the members of a unit the caller manages',
    tag: RULES_TAG,
    permission: ['sales', 'assign'],
    body: CreateLeadAssignmentRuleBody,
    fieldNames: RULE_FIELD_NAMES,
    responses: { 201: { description: 'Created.', schema: LeadAssignmentRule, headers: ETAG }, 403: UNIT_NOT_MANAGED },
    async handler({ body, call, req, res }) {
      const rule = ruleToJson((await call(client, 'createLeadAssignmentRule', createRuleRequestFromJson(body))).rule!);
      res.status(201).location(`${req.baseUrl}/lead-assignment-rules/${rule.id}`).set('ETag', etagOf(rule.version)).json(rule);
    },
  });

  api.add({
    method: 'get',
    path: '/lead-assignment-rules',
    operationId: 'listLeadAssignmentRules',
    summary: 'The rules of the units the caller manages (all for an admin), in the order they are tried',
    tag: RULES_TAG,
    permission: ['sales', 'assign'],
    responses: { 200: { description: 'Every such rule.', schema: LeadAssignmentRuleList } },
    async handler({ call, res }) {
      res.json({ items: (await call(client, 'listLeadAssignmentRules', {})).rules.map(ruleToJson) });
    },
  });

  api.add({
    method: 'patch',
    path: '/lead-assignment-rules/{id}',
    operationId: 'updateLeadAssignmentRule',
    summary: 'Change some fields of a rule; new members start their turns from the first',
    tag: RULES_TAG,
    permission: ['sales', 'assign'],
    params: RuleIdParams,
    body: UpdateLeadAssignmentRuleBody,
    requestHeaders: IF_MATCH_HEADER,
    fieldNames: RULE_FIELD_NAMES,
    responses: {
      200: { description: 'The changed rule.', schema: LeadAssignmentRule, headers: ETAG },
      403: UNIT_NOT_MANAGED,
      404: RULE_NOT_FOUND,
      ...versionProblems('rule'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'rule');
      const { version: _ignored, ...fields } = body;
      if (Object.keys(fields).length === 0) throw new HttpProblem(400, 'validation_failed', 'name at least one field to change');
      const rule = ruleToJson(
        (await call(client, 'updateLeadAssignmentRule', updateRuleRequestFromJson(params.id, version, fields))).rule!,
      );
      res.set('ETag', etagOf(rule.version)).json(rule);
    },
  });

  api.add({
    method: 'delete',
    path: '/lead-assignment-rules/{id}',
    operationId: 'deleteLeadAssignmentRule',
    summary: 'Remove a rule; leads it assigned keep their owners',
    tag: RULES_TAG,
    permission: ['sales', 'assign'],
    params: RuleIdParams,
    requestHeaders: IF_MATCH_HEADER,
    responses: { 204: { description: 'Removed.' }, 404: RULE_NOT_FOUND, ...versionProblems('rule') },
    async handler({ params, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), undefined, 'rule');
      await call(client, 'deleteLeadAssignmentRule', { id: params.id, expectedVersion: version });
      res.status(204).end();
    },
  });
}
