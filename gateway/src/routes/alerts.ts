import { Type } from '@sinclair/typebox';
import { alertV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { problem, versionProblems } from '../http/problem-responses';
import { alertToJson, createRequestFromJson, listRequestFromQuery, ruleToJson, settingsFromJson } from './alert-json';
import {
  AlertCheckRun,
  AlertList,
  AlertRule,
  AlertRuleList,
  CreateAlertRuleBody,
  CustomerAlert,
  EmptyBody,
  IdParams,
  ListAlertsQuery,
  UpdateAlertRuleBody,
} from './alert-schemas';
import { nextPageTokenOf } from '../http/paging';
import { expectedVersion } from '../http/versions';

// Warnings (客户预警) and customer care (客户关怀): the rules (administrators), running them now,
// and the alerts of the customers in the caller's scope.

type Client = alertV1.CustomerAlertServiceClient;

const TAG = 'Warnings and care';
const RULE_ETAG = { ETag: { description: 'The rule version, for If-Match.', schema: Type.String() } };
const IF_MATCH = { 'If-Match': { description: 'ETag of the rule being changed; or send body.version.', schema: Type.String() } };

// Rule settings are flat in JSON (targetOnly) but nested in protobuf (settings.target_only).
const RULE_FIELD_NAMES = { settings: '' };

export function alertRoutes(api: ApiRouter, client: Client): void {
  ruleRoutes(api, client);
  alertListRoutes(api, client);
}

function ruleRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'get',
    path: '/alert-rules',
    operationId: 'listAlertRules',
    summary: 'The warning (预警) and care (关怀) rules, oldest first',
    tag: TAG,
    permission: ['admin', 'read'],
    responses: { 200: { description: 'The rules.', schema: AlertRuleList } },
    async handler({ call, res }) {
      const response = await call(client, 'listAlertRules', {});
      res.json({ items: response.rules.map(ruleToJson) });
    },
  });

  api.add({
    method: 'post',
    path: '/alert-rules',
    operationId: 'createAlertRule',
    summary: 'Add a warning or care rule (administrators)',
    tag: TAG,
    permission: ['admin', 'create'],
    body: CreateAlertRuleBody,
    fieldNames: RULE_FIELD_NAMES,
    responses: {
      201: { description: 'Created.', schema: AlertRule, headers: RULE_ETAG },
      400: problem('Invalid rule; violations name the fields.'),
      409: problem('Another rule has that name (name_taken).'),
    },
    async handler({ body, call, req, res }) {
      const response = await call(client, 'createAlertRule', createRequestFromJson(body));
      const rule = ruleToJson(response.rule!);
      res.status(201).location(`${req.baseUrl}/alert-rules/${rule.id}`).set('ETag', `"${rule.version}"`).json(rule);
    },
  });

  api.add({
    method: 'get',
    path: '/alert-rules/{id}',
    operationId: 'getAlertRule',
    summary: 'One warning or care rule',
    tag: TAG,
    permission: ['admin', 'read'],
    params: IdParams,
    responses: {
      200: { description: 'The rule.', schema: AlertRule, headers: RULE_ETAG },
      404: problem('No such rule.'),
    },
    async handler({ params, call, res }) {
      const rule = ruleToJson((await call(client, 'getAlertRule', { id: params.id })).rule!);
      res.set('ETag', `"${rule.version}"`).json(rule);
    },
  });

  api.add({
    method: 'put',
    path: '/alert-rules/{id}',
    operationId: 'updateAlertRule',
    summary: 'Replace the settings of a rule; its kind stays (optimistic concurrency)',
    tag: TAG,
    permission: ['admin', 'update'],
    params: IdParams,
    body: UpdateAlertRuleBody,
    requestHeaders: IF_MATCH,
    fieldNames: RULE_FIELD_NAMES,
    responses: {
      200: { description: 'The rule.', schema: AlertRule, headers: RULE_ETAG },
      400: problem('Invalid rule.'),
      404: problem('No such rule.'),
      409: problem('Another rule has that name (name_taken).'),
      ...versionProblems('rule'),
    },
    async handler({ params, body, call, req, res }) {
      const { version: bodyVersion, ...settings } = body;
      const request = {
        id: params.id,
        settings: settingsFromJson(settings),
        expectedVersion: expectedVersion(req.get('if-match'), bodyVersion, 'rule'),
      };
      const rule = ruleToJson((await call(client, 'updateAlertRule', request)).rule!);
      res.set('ETag', `"${rule.version}"`).json(rule);
    },
  });

  api.add({
    method: 'delete',
    path: '/alert-rules/{id}',
    operationId: 'deleteAlertRule',
    summary: 'Delete a rule and its alerts (optimistic concurrency); disable it to keep them',
    tag: TAG,
    permission: ['admin', 'delete'],
    params: IdParams,
    requestHeaders: { 'If-Match': { description: 'ETag of the rule being deleted.', schema: Type.String() } },
    responses: {
      204: { description: 'Deleted.' },
      400: problem('Invalid id or If-Match.'),
      404: problem('No such rule.'),
      412: problem('The rule changed since the given version.'),
      428: problem('No If-Match was given.'),
    },
    async handler({ params, call, req, res }) {
      await call(client, 'deleteAlertRule', { id: params.id, expectedVersion: expectedVersion(req.get('if-match'), undefined, 'rule') });
      res.status(204).end();
    },
  });

  api.add({
    method: 'post',
    path: '/alert-rules/run',
    operationId: 'runAlertRules',
    summary: 'Check every enabled rule now, as the scheduled check does (nothing is raised twice)',
    tag: TAG,
    permission: ['admin', 'update'],
    body: EmptyBody,
    responses: { 200: { description: 'What the run raised.', schema: AlertCheckRun } },
    async handler({ call, res }) {
      res.json(await call(client, 'runAlertRulesNow', {}));
    },
  });
}

function alertListRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'get',
    path: '/alerts',
    operationId: 'listAlerts',
    summary: "Warnings and care reminders of the customers in the caller's scope, newest first",
    tag: TAG,
    permission: ['customer', 'read'],
    query: ListAlertsQuery,
    responses: { 200: { description: 'One page.', schema: AlertList } },
    async handler({ query, call, res }) {
      const response = await call(client, 'listAlerts', listRequestFromQuery(query));
      res.json({ items: response.alerts.map(alertToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'post',
    path: '/alerts/{id}/acknowledge',
    operationId: 'acknowledgeAlert',
    summary: 'Mark an alert as seen (a customer the caller may change); repeating it changes nothing',
    tag: TAG,
    permission: ['customer', 'update'],
    params: IdParams,
    body: EmptyBody,
    responses: {
      200: { description: 'The alert.', schema: CustomerAlert },
      404: problem("No such alert in the caller's scope."),
    },
    async handler({ params, call, res }) {
      res.json(alertToJson((await call(client, 'acknowledgeAlert', { id: params.id })).alert!));
    },
  });
}
