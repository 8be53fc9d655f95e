import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { Email, Phone } from './customer-schemas';
import { unitPath } from './lead-schemas';

// Public JSON shapes of the web forms that capture leads (SAL-01) and of a visitor's submission.

const UnitPath = unitPath('The org unit its leads go to, e.g. /Sales/East.');
const FormName = Type.String({ minLength: 1, maxLength: 100, example: '官网产品咨询表单' });
const FormSource = Type.String({ minLength: 1, maxLength: 50, description: 'The source its leads get.', example: '官网表单' });

export const LeadForm = named(
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
export const CreateLeadFormBody = named(
  'CreateLeadForm',
  Type.Object(
    { name: FormName, source: FormSource, unit: UnitPath, enabled: Type.Optional(Type.Boolean({ description: 'true by default.' })) },
    { additionalProperties: false },
  ),
);
export const UpdateLeadFormBody = named(
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
export const FormIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Form id.' }) }, { additionalProperties: false });
export const FormKeyParams = Type.Object(
  { key: Type.String({ minLength: 1, maxLength: 64, description: "The form's public key." }) },
  { additionalProperties: false },
);
export const LeadFormList = named('LeadFormList', Type.Object({ items: Type.Array(LeadForm) }, { additionalProperties: false }));
export const FormSubmission = named(
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
export const FormReceipt = named('LeadFormReceipt', Type.Object({ status: Type.Literal('received') }, { additionalProperties: false }));

export type LeadFormJson = Static<typeof LeadForm>;
