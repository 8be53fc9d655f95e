import { salesLeadV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem, versionProblems } from '../http/problem-responses';
import { expectedVersion, IF_MATCH_HEADER } from '../http/versions';
import { formToJson } from './lead-form-json';
import {
  CreateLeadFormBody,
  FormIdParams,
  FormKeyParams,
  FormReceipt,
  FormSubmission,
  LeadForm,
  LeadFormList,
  UpdateLeadFormBody,
} from './lead-form-schemas';

// Web forms that capture leads (SAL-01): kept by the managers of a unit, and the public route a
// form on any website posts to, without a login.

const TAG = 'Lead forms';
const FORM_FIELD_NAMES = { form: '' };

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
    requestHeaders: IF_MATCH_HEADER,
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
