import { Type, type Static } from '@sinclair/typebox';
import { named } from '../http/schema-names';
import { pageSizeParameter, PageTokenParameter } from '../http/paging';

// JSON shapes of employee handovers (员工异动交接, CUS-15).

const UserId = Type.String({ minLength: 1, maxLength: 100, description: 'A user id (Keycloak sub).' });
const Unit = Type.String({ minLength: 2, maxLength: 200, pattern: '^/', description: 'An org unit path such as /Sales/East.' });

const Successor = Type.Object(
  { userId: UserId, unit: Unit },
  { additionalProperties: false, description: "A successor and their org unit: the moved customers' owner unit from now on." },
);

export const CreateHandoverBody = named(
  'CreateHandover',
  Type.Object(
    {
      fromUserId: UserId,
      successors: Type.Array(Successor, { minItems: 1, maxItems: 50 }),
      customerIds: Type.Optional(
        Type.Array(Type.String({ format: 'uuid' }), {
          maxItems: 5000,
          description: 'Only these (owned or followed by the employee); omitted or empty: all of them in your scope.',
        }),
      ),
      distribution: Type.Optional(
        Type.Union([Type.Literal('even'), Type.Literal('mapping')], {
          description:
            'even (default): round-robin over the successors in the order given, customers in creation order; mapping: per customer.',
        }),
      ),
      assignments: Type.Optional(
        Type.Array(Type.Object({ customerId: Type.String({ format: 'uuid' }), successorId: UserId }, { additionalProperties: false }), {
          maxItems: 5000,
          description: 'For mapping: the successor of each selected customer.',
        }),
      ),
      rewriteCreator: Type.Optional(
        Type.Boolean({
          description: 'The successor also becomes the creator (制单人) of the customers and contacts the employee created.',
        }),
      ),
      reason: Type.String({ minLength: 1, maxLength: 500 }),
    },
    { additionalProperties: false },
  ),
);

export const Handover = named(
  'Handover',
  Type.Object(
    {
      id: Type.String({ format: 'uuid' }),
      fromUserId: Type.String(),
      successors: Type.Array(
        Type.Object(
          { userId: Type.String(), unit: Type.String(), customerCount: Type.Integer(), followedCount: Type.Integer() },
          { additionalProperties: false },
        ),
      ),
      allCustomers: Type.Boolean(),
      distribution: Type.Union([Type.Literal('even'), Type.Literal('mapping')]),
      rewriteCreator: Type.Boolean(),
      reason: Type.String(),
      customerCount: Type.Integer({ description: 'Customers the employee owned that changed owner.' }),
      followedCount: Type.Integer({ description: 'Customers the employee followed that changed follower.' }),
      creatorRewrittenCount: Type.Integer({ description: 'Customers and contacts whose creator was rewritten.' }),
      fromUnits: Type.Array(Type.String(), { description: 'The owner units the customers came from.' }),
      actor: Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false }),
      createdAt: Type.String({ format: 'date-time' }),
    },
    { additionalProperties: false, description: 'An employee handover (员工异动交接).' },
  ),
);

export const HandoverList = named(
  'HandoverList',
  Type.Object({ items: Type.Array(Handover), nextPageToken: Type.Union([Type.String(), Type.Null()]) }, { additionalProperties: false }),
);

export const HandoverIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) }, { additionalProperties: false });

export const ListHandoversQuery = Type.Object(
  {
    fromUserId: Type.Optional(UserId),
    pageSize: pageSizeParameter(),
    pageToken: PageTokenParameter,
  },
  { additionalProperties: false },
);

export type CreateHandoverJson = Static<typeof CreateHandoverBody>;
export type HandoverJson = Static<typeof Handover>;
