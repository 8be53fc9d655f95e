import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { versionSchema, INT32_MAX } from '../http/schema-bounds';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';

// Public JSON shapes of approvals (审批) and the invalid-customer application (无效客户申请).

const STATUS_VALUES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;
export const ApprovalStatus = Type.Union(
  STATUS_VALUES.map((value) => Type.Literal(value)),
  {
    description: 'pending 审批中, approved 已通过, rejected 已驳回, withdrawn 已撤回.',
  },
);
const Decision = Type.Union([Type.Literal('approve'), Type.Literal('reject')]);
const LogAction = Type.Union([Type.Literal('submit'), Type.Literal('approve'), Type.Literal('reject'), Type.Literal('withdraw')]);
const Kind = Type.String({
  maxLength: 100,
  description: 'customer.invalid (无效客户申请); later customer.transfer, quote.discount, contract.',
  example: 'customer.invalid',
});
const Person = Type.Object(
  { id: Type.String({ description: 'User id (token sub).' }), name: Type.String({ description: 'Username.' }) },
  { additionalProperties: false },
);
const DateTime = Type.String({ format: 'date-time' });
const Comment = Type.String({ maxLength: 1000, description: 'Free text, Chinese or Latin; line breaks allowed.' });

export const ApprovalStep = named(
  'ApprovalStep',
  Type.Object(
    {
      position: Type.Integer({ minimum: 1 }),
      name: Type.String({ example: '部门经理审批' }),
      roles: Type.Array(Type.String(), { description: 'Realm roles that decide this step.' }),
      unit: Type.Union([Type.String(), Type.Null()], {
        description: 'Only deciders managing this org unit (or one above it); null = any holder of the roles.',
      }),
      decision: Type.Union([Decision, Type.Null()]),
      decidedBy: Type.Union([Person, Type.Null()]),
      decidedAt: Type.Union([DateTime, Type.Null()]),
      comment: Type.Union([Type.String(), Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const ApprovalLogEntry = named(
  'ApprovalLogEntry',
  Type.Object(
    {
      step: Type.Integer({ minimum: 0, description: '0 for the submission, else the step acted on.' }),
      action: LogAction,
      actor: Person,
      role: Type.String({ description: "The role the actor acted in: a step's role, admin overriding, or requester." }),
      comment: Type.String(),
      at: DateTime,
    },
    { additionalProperties: false },
  ),
);

export const Approval = named(
  'Approval',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      kind: Kind,
      subject: Type.Object(
        {
          type: Type.String({ example: 'customer' }),
          id: Type.String(),
          title: Type.String({ description: 'Display name at request time.' }),
        },
        { additionalProperties: false },
      ),
      requester: Type.Object(
        { id: Type.String(), name: Type.String(), unit: Type.Union([Type.String(), Type.Null()]) },
        { additionalProperties: false },
      ),
      unit: Type.Union([Type.String(), Type.Null()], { description: "The org unit the request concerns (for customers, the owner's)." }),
      reason: Type.String(),
      payload: Type.Record(Type.String(), Type.Unknown(), { description: 'Kind-specific details, e.g. {"fromCategory": "potential"}.' }),
      status: ApprovalStatus,
      currentStep: Type.Integer({
        minimum: 1,
        description: 'The step awaiting a decision while pending; the last step reached afterwards. Send it as step to decide.',
      }),
      steps: Type.Array(ApprovalStep),
      log: Type.Optional(
        Type.Array(ApprovalLogEntry, { description: 'The operation log, oldest first; on single reads and action answers.' }),
      ),
      version: versionSchema(),
      createdAt: DateTime,
      updatedAt: DateTime,
      completedAt: Type.Union([DateTime, Type.Null()]),
    },
    { additionalProperties: false },
  ),
);

export const ApprovalList = named(
  'ApprovalList',
  Type.Object(
    {
      items: Type.Array(Approval),
      nextPageToken: Type.Union([Type.String(), Type.Null()], { description: 'null on the last page.' }),
    },
    { additionalProperties: false },
  ),
);

export const ApprovalIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'Approval id.' }) },
  { additionalProperties: false },
);

const csvOf = (values: readonly string[]) => `^(?:${values.join('|')})(?:,(?:${values.join('|')}))*$`;

export const ListApprovalsQuery = Type.Object(
  {
    role: Type.Optional(
      Type.Union([Type.Literal('requester'), Type.Literal('decider'), Type.Literal('all')], {
        description: 'requester: mine; decider: awaiting my decision; all (default): every approval I may read.',
      }),
    ),
    status: Type.Optional(Type.String({ pattern: csvOf(STATUS_VALUES), description: 'Statuses, separated by commas.' })),
    kind: Type.Optional(
      Type.String({ minLength: 1, maxLength: 300, pattern: '^[a-z0-9_.]+(?:,[a-z0-9_.]+)*$', description: 'Kinds, separated by commas.' }),
    ),
    subjectType: Type.Optional(
      Type.String({ minLength: 1, maxLength: 50, description: 'e.g. customer; with subjectId, the approvals of one record.' }),
    ),
    subjectId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

export const DecisionBody = named(
  'ApprovalDecision',
  Type.Object(
    {
      step: Type.Integer({
        minimum: 1,
        maximum: INT32_MAX,
        description: 'The step being decided (currentStep as read), so that a decision never lands on a later step.',
      }),
      comment: Type.Optional(Comment),
    },
    { additionalProperties: false },
  ),
);

export const RejectionBody = named(
  'ApprovalRejection',
  Type.Object(
    {
      step: Type.Integer({ minimum: 1, maximum: INT32_MAX, description: 'The step being decided (currentStep as read).' }),
      comment: Type.String({ minLength: 1, maxLength: 1000, description: 'Why the request is rejected (required).' }),
    },
    { additionalProperties: false },
  ),
);

export const WithdrawalBody = named(
  'ApprovalWithdrawal',
  Type.Object({ comment: Type.Optional(Comment) }, { additionalProperties: false }),
);

export const InvalidApplicationBody = named(
  'InvalidCustomerApplication',
  Type.Object(
    {
      reason: Type.String({
        minLength: 1,
        maxLength: 500,
        description: 'Why the customer is not real or reachable.',
        example: '电话是空号，多次联系不上',
      }),
    },
    { additionalProperties: false },
  ),
);

export type ApprovalJson = Static<typeof Approval>;
export type ApprovalStatusJson = Static<typeof ApprovalStatus>;
export type ListApprovalsJson = Static<typeof ListApprovalsQuery>;
