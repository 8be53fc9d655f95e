import { salesLeadV1 } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import type { FormFields, LeadForm } from '../domain/lead-form';
import type { LeadFormService } from '../domain/lead-form-service';
import { leadFieldsOf, toProtoLead } from './lead-mapper';

/** LeadFormService RPCs: protobuf in, use case, protobuf out. */
export function leadFormHandlers(service: LeadFormService) {
  return {
    async createLeadForm(request: salesLeadV1.CreateLeadFormRequest, ctx: RpcContext): Promise<salesLeadV1.CreateLeadFormResponse> {
      return { form: toProtoForm(await service.create(ctx.tx, ctx.principal, formFieldsOf(request.form, true))) };
    },

    async listLeadForms(_request: salesLeadV1.ListLeadFormsRequest, ctx: RpcContext): Promise<salesLeadV1.ListLeadFormsResponse> {
      return { forms: (await service.list(ctx.principal)).map(toProtoForm) };
    },

    async updateLeadForm(request: salesLeadV1.UpdateLeadFormRequest, ctx: RpcContext): Promise<salesLeadV1.UpdateLeadFormResponse> {
      const fields = formFieldsOf(request.form, false);
      const form = await service.update(ctx.tx, ctx.principal, request.id, request.expectedVersion, request.updateMask ?? [], fields);
      return { form: toProtoForm(form) };
    },

    async submitLeadForm(request: salesLeadV1.SubmitLeadFormRequest, ctx: RpcContext): Promise<salesLeadV1.SubmitLeadFormResponse> {
      return { lead: toProtoLead(await service.submit(ctx.tx, ctx.principal, request.formKey, leadFieldsOf(request.lead))) };
    },
  };
}

function formFieldsOf(form: salesLeadV1.LeadForm | undefined, enabledByDefault: boolean): FormFields {
  return { name: form?.name ?? '', source: form?.source ?? '', unit: form?.unit ?? '', enabled: form ? form.enabled : enabledByDefault };
}

function toProtoForm(form: LeadForm): salesLeadV1.LeadForm {
  return salesLeadV1.LeadForm.fromPartial({
    id: form.id,
    key: form.key,
    name: form.name,
    source: form.source,
    unit: form.unit,
    enabled: form.enabled,
    version: form.version,
    audit: { createTime: form.createdAt, createdBy: form.createdBy, updateTime: form.updatedAt, updatedBy: form.updatedBy },
  });
}

leadFormHandlers.definition = salesLeadV1.LeadFormServiceService;
// Forms are kept by those who hand out leads (sales:assign, units they manage); submissions are
// relayed by the gateway as a service principal (sales:create, checked to be a service).
leadFormHandlers.policies = {
  createLeadForm: { permission: ['sales', 'assign'], transaction: true },
  listLeadForms: { permission: ['sales', 'assign'] },
  updateLeadForm: { permission: ['sales', 'assign'], transaction: true },
  submitLeadForm: { permission: ['sales', 'create'], transaction: true },
} satisfies Policies<typeof salesLeadV1.LeadFormServiceService>;
