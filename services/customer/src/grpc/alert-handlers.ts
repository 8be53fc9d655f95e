import type { Policies, RpcContext } from '@liaison/platform';
import { alertV1 } from '@liaison/contracts';
import type { AlertService } from '../domain/alert-service';
import {
  alertKindFromProto,
  alertStatusFromProto,
  ruleKindFromProto,
  settingsFromProto,
  toProtoAlert,
  toProtoAlertRule,
} from './alert-mapper';

type Ctx = RpcContext;

/** CustomerAlertService RPCs: protobuf in, alert use case, protobuf out. */
export function alertHandlers(service: AlertService) {
  return {
    async listAlertRules(_request: alertV1.ListAlertRulesRequest, _ctx: Ctx): Promise<alertV1.ListAlertRulesResponse> {
      return { rules: (await service.listRules()).map(toProtoAlertRule) };
    },

    async getAlertRule(request: alertV1.GetAlertRuleRequest, ctx: Ctx): Promise<alertV1.GetAlertRuleResponse> {
      return { rule: toProtoAlertRule(await service.getRule(ctx.principal, request.id)) };
    },

    async createAlertRule(request: alertV1.CreateAlertRuleRequest, ctx: Ctx): Promise<alertV1.CreateAlertRuleResponse> {
      const rule = await service.createRule(ctx.tx, ctx.principal, ruleKindFromProto(request.kind), settingsFromProto(request.settings));
      return { rule: toProtoAlertRule(rule) };
    },

    async updateAlertRule(request: alertV1.UpdateAlertRuleRequest, ctx: Ctx): Promise<alertV1.UpdateAlertRuleResponse> {
      const rule = await service.updateRule(
        ctx.tx,
        ctx.principal,
        request.id,
        settingsFromProto(request.settings),
        request.expectedVersion,
      );
      return { rule: toProtoAlertRule(rule) };
    },

    async deleteAlertRule(request: alertV1.DeleteAlertRuleRequest, ctx: Ctx): Promise<alertV1.DeleteAlertRuleResponse> {
      await service.deleteRule(ctx.tx, ctx.principal, request.id, request.expectedVersion);
      return {};
    },

    async runAlertRulesNow(_request: alertV1.RunAlertRulesNowRequest, ctx: Ctx): Promise<alertV1.RunAlertRulesNowResponse> {
      return service.runNow(ctx.principal);
    },

    async listAlerts(request: alertV1.ListAlertsRequest, ctx: Ctx): Promise<alertV1.ListAlertsResponse> {
      const list = await service.list(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        kind: alertKindFromProto(request.kind),
        ruleId: request.ruleId || undefined,
        status: alertStatusFromProto(request.status),
        customerId: request.customerId || undefined,
      });
      return { alerts: list.alerts.map(toProtoAlert), page: { nextPageToken: list.nextPageToken } };
    },

    async acknowledgeAlert(request: alertV1.AcknowledgeAlertRequest, ctx: Ctx): Promise<alertV1.AcknowledgeAlertResponse> {
      return { alert: toProtoAlert(await service.acknowledge(ctx.tx, ctx.principal, request.id)) };
    },
  };
}

alertHandlers.definition = alertV1.CustomerAlertServiceService;
alertHandlers.policies = {
  listAlertRules: { permission: ['admin', 'read'] },
  getAlertRule: { permission: ['admin', 'read'] },
  createAlertRule: { permission: ['admin', 'create'], transaction: true },
  updateAlertRule: { permission: ['admin', 'update'], transaction: true },
  deleteAlertRule: { permission: ['admin', 'delete'], transaction: true },
  runAlertRulesNow: { permission: ['admin', 'update'] },
  listAlerts: { permission: ['customer', 'read'] },
  acknowledgeAlert: { permission: ['customer', 'update'], transaction: true },
} satisfies Policies<typeof alertV1.CustomerAlertServiceService>;
