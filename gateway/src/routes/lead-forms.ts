import { Type, type Static } from '@sinclair/typebox';
import { salesLeadV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem, versionProblems } from '../http/problem-responses';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { expectedVersion } from '../http/versions';
import { Email, Phone } from './customer-schemas';

// Web forms that capture leads (SAL-01): kept by the managers of a unit, and the public route a
// form on any website posts to, without a login.

const TAG = 'Lead forms';
const FORM_FIELD_NAMES = { form: '' };
const UnitPath = Type.String({
  minLength: 2,
  maxLength: 200,
  pattern: '^(/[^/]+)+$',
  description: 'The org unit its leads go to, e.g. /Sales/East.',
});
const FormName = Type.String({ minLength: 1, maxLength: 100, example: '官网产品咨询表单' });
const FormSource = Type.String({ minLength: 1, maxLength: 50, description: 'The source its leads get.', example: '官网表单' });

const LeadForm = named(
  'LeadForm',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      key: Type.String({ description: 'The public id the form posts with: POST /public/lead-forms/{key}/submissions.' }),
      name: FormName,
      source: FormSource,
      unit: UnitPath,
      enabled: Type.Boolean(),
      version: versionSchema('Send back in If-Match (or body.version) to change the form.'),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);
const CreateLeadFormBody = named(
  'CreateLeadForm',
  Type.Object(
    { name: FormName, source: FormSource, unit: UnitPath, enabled: Type.Optional(Type.Boolean({ description: 'true by default.' })) },
    { additionalProperties: false },
  ),
);
const UpdateLeadFormBody = named(
  'UpdateLeadForm',
  Type.Object(
    {
      name: Type.Optional(FormName),
      source: Type.Optional(FormSource),
      unit: Type.Optional(UnitPath),
      enabled: Type.Optional(Type.Boolean()),
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
);
const FormIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Form id.' }) }, { additionalProperties: false });
const FormKeyParams = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64, description: "The form's public key." }) },
  { additionalProperties: false },
);
const LeadFormList = named('LeadFormList', Type.Object({ items: Type.Array(LeadForm) }, { additionalProperties: false }));
const FormSubmission = named(
  'LeadFormSubmission',
  Type.Object(
    {
      contactName: Type.String({ minLength: 1, maxLength: 100, example: '韩梅梅' }),
      companyName: Type.Optional(Type.String({ maxLength: 200 })),
      phone: Type.Optional(Phone),
      email: Type.Optional(Email),
      province: Type.Optional(Type.String({ maxLength: 50 })),
      city: Type.Optional(Type.String({ maxLength: 50 })),
      description: Type.Optional(Type.String({ maxLength: 2000, description: 'What the visitor asks for.' })),
      website: Type.Optional(
        Type.String({ maxLength: 200, description: 'Leave empty: a field hidden from people, which only bots fill (honeypot).' }),
      ),
    },
    { additionalProperties: false, description: 'A phone number or an e-mail address is required.' },
  ),
);
const FormReceipt = named('LeadFormReceipt', Type.Object({ status: Type.Literal('received') }, { additionalProperties: false }));

type FormJson = Static<typeof LeadForm>;

function formToJson(form: salesLeadV1.LeadForm): FormJson {
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

export function leadFormRoutes(api: ApiRouter, client: salesLeadV1.LeadFormServiceClient): void {
  api.add({
    method: 'post',
    path: '/lead-forms',
    operationId: 'createLeadForm',
    summary: 'Add a web form whose submissions become leads of a unit the caller manages',
    tag: TAG,
    permission: ['sales', 'assign'],
    body: CreateLeadFormBody,
    fieldNames: FORM_FIELD_NAMES,
    responses: {
      201: { description: 'Created, with its public key.', schema: LeadForm },
      403: problem('The caller lacks the permission, or does not manage the unit (code unit_not_managed).'),
    },
    async handler({ body, call, req, res }) {
      const form = salesLeadV1.LeadForm.fromPartial({ enabled: true, ...body });
      const created = formToJson((await call(client, 'createLeadForm', { form })).form!);
      res.status(201).location(`${req.baseUrl}/lead-forms/${created.id}`).json(created);
    },
  });

  api.add({
    method: 'get',
    path: '/lead-forms',
    operationId: 'listLeadForms',
    summary: 'The web forms of the units the caller manages (all for an admin), newest first',
    tag: TAG,
    permission: ['sales', 'assign'],
    responses: { 200: { description: 'Every such form.', schema: LeadFormList } },
    async handler({ call, res }) {
      res.json({ items: (await call(client, 'listLeadForms', {})).forms.map(formToJson) });
    },
  });

  api.add({
    method: 'patch',
    path: '/lead-forms/{id}',
    operationId: 'updateLeadForm',
    summary: 'Rename, re-source, move or disable a web form (a disabled form takes no submissions)',
    tag: TAG,
    permission: ['sales', 'assign'],
    params: FormIdParams,
    body: UpdateLeadFormBody,
    requestHeaders: { 'If-Match': { description: 'ETag of the version being changed; or send body.version.', schema: Type.String() } },
    fieldNames: FORM_FIELD_NAMES,
    responses: {
      200: { description: 'The changed form.', schema: LeadForm },
      403: problem('The caller lacks the permission, or does not manage the new unit (code unit_not_managed).'),
      404: problem('No such form among the units the caller manages.'),
      ...versionProblems('form'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'form');
      const { version: _ignored, ...fields } = body;
      if (Object.keys(fields).length === 0) throw new HttpProblem(400, 'validation_failed', 'name at least one field to change');
      const request = {
        id: params.id,
        expectedVersion: version,
        updateMask: Object.keys(fields),
        form: salesLeadV1.LeadForm.fromPartial(fields),
      };
      res.json(formToJson((await call(client, 'updateLeadForm', request)).form!));
    },
  });

  api.add({
    method: 'post',
    path: '/public/lead-forms/{key}/submissions',
    operationId: 'submitLeadForm',
    summary: 'A visitor submits a web form (no login): the entry becomes a lead of the form’s unit',
    tag: TAG,
    permission: ['sales', 'create'],
    public: true,
    params: FormKeyParams,
    body: FormSubmission,
    fieldNames: { lead: '' },
    responses: {
      202: { description: 'Received.', schema: FormReceipt },
      404: problem('No enabled form has this key.'),
    },
    async handler({ params, body, call, res }) {
      const { website, ...entry } = body;
      // A bot filled the field people never see: answered like anyone, and dropped.
      if (!website) await call(client, 'submitLeadForm', { formKey: params.key, lead: salesLeadV1.Lead.fromPartial(entry) });
      res.status(202).json({ status: 'received' });
    },
  });
}
