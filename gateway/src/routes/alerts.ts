import { Type } from '@sinclair/typebox';
import { bearerMetadata } from '@liaison/auth';
import { alertV1 } from '@liaison/contracts';
import { unary } from '@liaison/runtime';
import type { ApiRouter } from '../http/api-router';
import { ProblemSchema } from '../http/problem-schema';
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
import { camelCaseField, withJsonFieldNames } from '../http/field-names';
import { expectedVersion } from '../http/versions';

// Warnings (客户预警) and customer care (客户关怀): the rules (administrators), running them now,
// and the alerts of the customers in the caller's scope.

type Client = alertV1.CustomerAlertServiceClient;

const TAG = 'Warnings and care';
const problem = (description: string) => ({ description, schema: ProblemSchema });
const authProblems = { 401: problem('No valid access token.'), 403: problem('The caller lacks the permission.') };
const RULE_ETAG = { ETag: { description: 'The rule version, for If-Match.', schema: Type.String() } };
const IF_MATCH = { 'If-Match': { description: 'ETag of the rule being changed; or send body.version.', schema: Type.String() } };

// Rule settings are flat in JSON (targetOnly) but nested in protobuf (settings.target_only).
const withRuleJsonNames = <T>(call: Promise<T>) => withJsonFieldNames(call, (field) => camelCaseField(field.replace(/^settings\./, '')));

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
    responses: { 200: { description: 'The rules.', schema: AlertRuleList }, ...authProblems },
    async handler({ token, res }) {
      const response = await unary(client.listAlertRules.bind(client), {}, bearerMetadata(token));
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
    responses: {
      201: { description: 'Created.', schema: AlertRule, headers: RULE_ETAG },
      400: problem('Invalid rule; violations name the fields.'),
      ...authProblems,
      409: problem('Another rule has that name (name_taken).'),
    },
    async handler({ body, token, req, res }) {
      const response = await withRuleJsonNames(
        unary(client.createAlertRule.bind(client), createRequestFromJson(body), bearerMetadata(token)),
      );
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
      400: problem('Invalid id.'),
      ...authProblems,
      404: problem('No such rule.'),
    },
    async handler({ params, token, res }) {
      const rule = ruleToJson((await unary(client.getAlertRule.bind(client), { id: params.id }, bearerMetadata(token))).rule!);
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
    responses: {
      200: { description: 'The rule.', schema: AlertRule, headers: RULE_ETAG },
      400: problem('Invalid rule.'),
      ...authProblems,
      404: problem('No such rule.'),
      409: problem('Another rule has that name (name_taken).'),
      412: problem('The rule changed since the given version.'),
      428: problem('Neither If-Match nor version was given.'),
    },
    async handler({ params, body, token, req, res }) {
      const { version: bodyVersion, ...settings } = body;
      const request = {
        id: params.id,
        settings: settingsFromJson(settings),
        expectedVersion: expectedVersion(req.get('if-match'), bodyVersion, 'rule'),
      };
      const rule = ruleToJson((await withRuleJsonNames(unary(client.updateAlertRule.bind(client), request, bearerMetadata(token)))).rule!);
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
      ...authProblems,
      404: problem('No such rule.'),
      412: problem('The rule changed since the given version.'),
      428: problem('No If-Match was given.'),
    },
    async handler({ params, token, req, res }) {
      await unary(
        client.deleteAlertRule.bind(client),
        { id: params.id, expectedVersion: expectedVersion(req.get('if-match'), undefined, 'rule') },
        bearerMetadata(token),
      );
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
    responses: { 200: { description: 'What the run raised.', schema: AlertCheckRun }, ...authProblems },
    async handler({ token, res }) {
      res.json(await unary(client.runAlertRulesNow.bind(client), {}, bearerMetadata(token)));
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
    responses: { 200: { description: 'One page.', schema: AlertList }, 400: problem('Invalid query.'), ...authProblems },
    async handler({ query, token, res }) {
      const response = await withRuleJsonNames(unary(client.listAlerts.bind(client), listRequestFromQuery(query), bearerMetadata(token)));
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
      400: problem('Invalid id.'),
      ...authProblems,
      404: problem("No such alert in the caller's scope."),
    },
    async handler({ params, token, res }) {
      res.json(alertToJson((await unary(client.acknowledgeAlert.bind(client), { id: params.id }, bearerMetadata(token))).alert!));
    },
  });
}
