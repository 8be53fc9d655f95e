import { salesLeadV1 } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import type { LeadAssignmentService } from '../domain/lead-assignment-service';
import { ruleFieldsOf, toProtoRule } from './lead-mapper';

/** LeadAssignmentService RPCs: protobuf in, use case, protobuf out. */
export function leadAssignmentHandlers(service: LeadAssignmentService) {
  return {
    async createLeadAssignmentRule(
      request: salesLeadV1.CreateLeadAssignmentRuleRequest,
      ctx: RpcContext,
    ): Promise<salesLeadV1.CreateLeadAssignmentRuleResponse> {
      return { rule: toProtoRule(await service.create(ctx.tx, ctx.principal, ruleFieldsOf(request.rule))) };
    },

    async listLeadAssignmentRules(
      _request: salesLeadV1.ListLeadAssignmentRulesRequest,
      ctx: RpcContext,
    ): Promise<salesLeadV1.ListLeadAssignmentRulesResponse> {
      return { rules: (await service.list(ctx.principal)).map(toProtoRule) };
    },

    async updateLeadAssignmentRule(
      request: salesLeadV1.UpdateLeadAssignmentRuleRequest,
      ctx: RpcContext,
    ): Promise<salesLeadV1.UpdateLeadAssignmentRuleResponse> {
      const paths = request.updateMask ?? [];
      const rule = await service.update(ctx.tx, ctx.principal, request.id, request.expectedVersion, paths, ruleFieldsOf(request.rule));
      return { rule: toProtoRule(rule) };
    },

    async deleteLeadAssignmentRule(
      request: salesLeadV1.DeleteLeadAssignmentRuleRequest,
      ctx: RpcContext,
    ): Promise<salesLeadV1.DeleteLeadAssignmentRuleResponse> {
      await service.delete(ctx.tx, ctx.principal, request.id, request.expectedVersion);
      return {};
    },
  };
}

leadAssignmentHandlers.definition = salesLeadV1.LeadAssignmentServiceService;
// Rules are kept by those who hand out leads: sales:assign, within the units they manage.
leadAssignmentHandlers.policies = {
  createLeadAssignmentRule: { permission: ['sales', 'assign'], transaction: true },
  listLeadAssignmentRules: { permission: ['sales', 'assign'] },
  updateLeadAssignmentRule: { permission: ['sales', 'assign'], transaction: true },
  deleteLeadAssignmentRule: { permission: ['sales', 'assign'], transaction: true },
} satisfies Policies<typeof salesLeadV1.LeadAssignmentServiceService>;
