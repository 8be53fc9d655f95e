import type { salesLeadV1 } from '@liaison/contracts';
import type { LeadFormJson } from './lead-form-schemas';

// JSON of web forms.

export function formToJson(form: salesLeadV1.LeadForm): LeadFormJson {
  return {
    id: form.id,
    key: form.key,
    name: form.name,
    source: form.source,
    unit: form.unit,
    enabled: form.enabled,
    version: form.version,
    createdAt: form.audit!.createTime!.toISOString(),
    createdBy: form.audit!.createdBy,
    updatedAt: form.audit!.updateTime!.toISOString(),
    updatedBy: form.audit!.updatedBy,
  };
}
