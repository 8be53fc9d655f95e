import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';
import { Email, Phone } from './customer-schemas';

// Public JSON shapes of leads (线索, SAL-01). An empty text is null in JSON, as on customers.

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'disqualified', 'converted'] as const;
export const DISQUALIFY_REASONS = ['invalid_contact', 'no_need', 'no_budget', 'chose_competitor', 'duplicate', 'other'] as const;

const Status = Type.Union(
  LEAD_STATUSES.map((value) => Type.Literal(value)),
  { description: 'new 新线索, contacted 已联系, qualified 已确认, disqualified 无效, converted 已转化.' },
);
const Reason = Type.Union(
  DISQUALIFY_REASONS.map((value) => Type.Literal(value)),
  {
    description:
      'invalid_contact 联系方式无效, no_need 无需求, no_budget 无预算, chose_competitor 已选竞品, duplicate 重复线索, other 其他 (say what in note).',
  },
);
const ContactName = Type.String({ minLength: 1, maxLength: 100, description: 'The person to talk to (联系人).', example: '韩梅梅' });
const CompanyName = Type.String({
  maxLength: 200,
  description: 'Their company; absent for a private buyer.',
  example: '宁波海曙精工机械有限公司',
});
const Source = Type.String({ maxLength: 50, description: 'Where the lead came from (线索来源).', example: '展会' });
const Place = Type.String({ maxLength: 50 });
const Description = Type.String({ maxLength: 2000, description: 'What they asked for.' });
const Note = Type.String({ maxLength: 500 });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

export const Lead = named(
  'Lead',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      contactName: ContactName,
      companyName: nullable(CompanyName),
      phone: nullable(Phone),
      email: nullable(Email),
      source: nullable(Source),
      province: nullable(Place),
      city: nullable(Place),
      description: nullable(Description),
      status: Status,
      disqualifyReason: nullable(Reason),
      statusNote: nullable(Note),
      ownerId: nullable(Type.String({ description: 'User id of the owning rep; null while the lead waits unassigned in its unit.' })),
      ownerUnit: nullable(Type.String({ description: 'Org unit of the owner, e.g. /Sales/East.' })),
      assignedByRuleId: nullable(Type.String({ format: 'uuid', description: 'The assignment rule that gave the lead its owner.' })),
      version: versionSchema('Send back in If-Match (or body.version) to change the lead.'),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const CreateLeadBody = named(
  'CreateLead',
  Type.Object(
    {
      contactName: ContactName,
      companyName: Type.Optional(CompanyName),
      phone: Type.Optional(Phone),
      email: Type.Optional(Email),
      source: Type.Optional(Source),
      province: Type.Optional(Place),
      city: Type.Optional(Place),
      description: Type.Optional(Description),
      allowDuplicate: Type.Optional(
        Type.Boolean({ description: 'Create even when an open lead has the same phone or e-mail (otherwise 409 duplicate_lead).' }),
      ),
      assignByRules: Type.Optional(
        Type.Boolean({
          description: 'Owner by the assignment rules of the units the caller manages (sales:assign) instead of the caller.',
        }),
      ),
    },
    { additionalProperties: false, description: 'A phone number or an e-mail address is required.' },
  ),
);

export const UpdateLeadBody = named(
  'UpdateLead',
  Type.Object(
    {
      contactName: Type.Optional(ContactName),
      companyName: Type.Optional(nullable(CompanyName)),
      phone: Type.Optional(nullable(Phone)),
      email: Type.Optional(nullable(Email)),
      source: Type.Optional(nullable(Source)),
      province: Type.Optional(nullable(Place)),
      city: Type.Optional(nullable(Place)),
      description: Type.Optional(nullable(Description)),
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    { additionalProperties: false, minProperties: 1, description: 'Only the fields present change; null clears one.' },
  ),
);

export const ChangeLeadStatusBody = named(
  'ChangeLeadStatus',
  Type.Object(
    {
      status: Type.Union(
        (['new', 'contacted', 'qualified', 'disqualified'] as const).map((value) => Type.Literal(value)),
        { description: 'new reopens a disqualified lead; converted is reached by conversion only.' },
      ),
      disqualifyReason: Type.Optional(Reason),
      note: Type.Optional(Note),
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    { additionalProperties: false },
  ),
);

export const LeadIdParams = Type.Object({ id: Type.String({ format: 'uuid', description: 'Lead id.' }) }, { additionalProperties: false });

export const ListLeadsQuery = Type.Object(
  {
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
    status: Type.Optional(
      Type.String({
        pattern: `^(?:${LEAD_STATUSES.join('|')})(?:,(?:${LEAD_STATUSES.join('|')}))*$`,
        description: 'Statuses, separated by commas.',
      }),
    ),
    ownerId: Type.Optional(Type.String({ maxLength: 64 })),
    source: Type.Optional(Type.String({ minLength: 1, maxLength: 50 })),
    q: Type.Optional(
      Type.String({ minLength: 1, maxLength: 100, description: 'Part of the contact or company name, or digits of the phone.' }),
    ),
  },
  { additionalProperties: false },
);

export const LeadList = named(
  'LeadList',
  Type.Object(
    {
      items: Type.Array(Lead),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

/** An org unit path, e.g. /Sales/East. */
export const unitPath = (description = 'An org unit, e.g. /Sales/East.') =>
  Type.String({ minLength: 2, maxLength: 200, pattern: '^(/[^/]+)+$', description });
const UnitPath = unitPath();
const UserId = Type.String({ minLength: 1, maxLength: 64, description: 'A user id (Keycloak sub).' });

export const AssignLeadBody = named(
  'AssignLead',
  Type.Object(
    { toOwnerId: UserId, toOwnerUnit: UnitPath, version: Type.Optional(versionSchema('Alternative to If-Match.')) },
    { additionalProperties: false },
  ),
);

const RuleName = Type.String({ minLength: 1, maxLength: 100, example: '华东展会线索轮询' });
const Priority = Type.Integer({
  minimum: 0,
  maximum: 1_000_000,
  description: 'Lower first: the first enabled rule that matches takes the lead.',
});
const Values = (description: string) => Type.Array(Type.String({ minLength: 1, maxLength: 50 }), { maxItems: 50, description });
const Members = Type.Array(UserId, { minItems: 1, maxItems: 200, description: 'User ids of the reps, in turn order.' });

export const LeadAssignmentRule = named(
  'LeadAssignmentRule',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      name: RuleName,
      priority: Priority,
      sources: Values('Lead sources the rule takes; any when empty.'),
      provinces: Values('Provinces the rule takes; any when empty.'),
      unit: UnitPath,
      members: Members,
      enabled: Type.Boolean(),
      version: versionSchema('Send back in If-Match (or body.version) to change the rule.'),
      createdAt: Type.String({ format: 'date-time' }),
      createdBy: Type.String(),
      updatedAt: Type.String({ format: 'date-time' }),
      updatedBy: Type.String(),
    },
    { additionalProperties: false },
  ),
);

export const CreateLeadAssignmentRuleBody = named(
  'CreateLeadAssignmentRule',
  Type.Object(
    {
      name: RuleName,
      priority: Type.Optional(Priority),
      sources: Type.Optional(Values('Lead sources the rule takes; any when absent.')),
      provinces: Type.Optional(Values('Provinces the rule takes; any when absent.')),
      unit: UnitPath,
      members: Members,
      enabled: Type.Optional(Type.Boolean({ description: 'true by default.' })),
    },
    { additionalProperties: false },
  ),
);

export const UpdateLeadAssignmentRuleBody = named(
  'UpdateLeadAssignmentRule',
  Type.Object(
    {
      name: Type.Optional(RuleName),
      priority: Type.Optional(Priority),
      sources: Type.Optional(Values('Lead sources the rule takes; any when empty.')),
      provinces: Type.Optional(Values('Provinces the rule takes; any when empty.')),
      unit: Type.Optional(UnitPath),
      members: Type.Optional(Members),
      enabled: Type.Optional(Type.Boolean()),
      version: Type.Optional(versionSchema('Alternative to If-Match.')),
    },
    { additionalProperties: false, minProperties: 1 },
  ),
);

export const RuleIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Assignment rule id.' }) },
  { additionalProperties: false },
);

export const LeadAssignmentRuleList = named(
  'LeadAssignmentRuleList',
  Type.Object({ items: Type.Array(LeadAssignmentRule) }, { additionalProperties: false }),
);

export const FindLeadDuplicatesBody = named(
  'FindLeadDuplicates',
  Type.Object(
    { companyName: Type.Optional(CompanyName), phone: Type.Optional(Phone), email: Type.Optional(Email) },
    { additionalProperties: false, minProperties: 1, description: 'What to compare: any of the three.' },
  ),
);

export const LeadDuplicateList = named(
  'LeadDuplicateList',
  Type.Object(
    {
      items: Type.Array(
        Type.Object(
          {
            leadId: nullable(Type.String({ format: 'uuid' })),
            contactName: nullable(ContactName),
            companyName: nullable(CompanyName),
            status: Status,
            ownerUnit: nullable(Type.String()),
            reasons: Type.Array(Type.Union([Type.Literal('name'), Type.Literal('phone'), Type.Literal('email')])),
            visible: Type.Boolean({ description: 'false: outside your scope; the lead exists, its id and names are not told.' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 20 },
      ),
    },
    { additionalProperties: false },
  ),
);

export type LeadJson = Static<typeof Lead>;
export type FindLeadDuplicatesJson = Static<typeof FindLeadDuplicatesBody>;
export type LeadDuplicateListJson = Static<typeof LeadDuplicateList>;
export type AssignLeadJson = Static<typeof AssignLeadBody>;
export type LeadAssignmentRuleJson = Static<typeof LeadAssignmentRule>;
export type CreateLeadAssignmentRuleJson = Static<typeof CreateLeadAssignmentRuleBody>;
export type UpdateLeadAssignmentRuleJson = Static<typeof UpdateLeadAssignmentRuleBody>;
export type CreateLeadJson = Static<typeof CreateLeadBody>;
export type UpdateLeadJson = Static<typeof UpdateLeadBody>;
export type ChangeLeadStatusJson = Static<typeof ChangeLeadStatusBody>;
export type ListLeadsJson = Static<typeof ListLeadsQuery>;
