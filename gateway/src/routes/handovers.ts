import { Type } from '@sinclair/typebox';
import { handoverV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { problem } from '../http/problem-responses';
import {
  CreateHandoverBody,
  Handover,
  HandoverIdParams,
  HandoverList,
  ListHandoversQuery,
  type CreateHandoverJson,
  type HandoverJson,
} from './handover-schemas';
import { pageFromQuery, nextPageTokenOf } from '../http/paging';

// Employee handover (员工异动交接, CUS-15): a leaving employee's customers to one or several successors.

type Client = handoverV1.HandoverServiceClient;

const TAG = 'Employee handover';
const unitNotManaged = {
  403: problem('The caller lacks the permission, or names a unit they do not manage (code unit_not_managed).'),
};
const { HandoverDistribution: Distribution } = handoverV1;

// The service names fields as in protobuf (successors[0].user_id); clients sent JSON (successors[0].userId).
function createRequestFromJson(body: CreateHandoverJson, key: string | undefined): handoverV1.CreateHandoverRequest {
  return handoverV1.CreateHandoverRequest.fromPartial({
    requestId: key ?? '',
    fromUserId: body.fromUserId,
    successors: body.successors,
    customerIds: body.customerIds ?? [],
    distribution: body.distribution === 'mapping' ? Distribution.HANDOVER_DISTRIBUTION_MAPPING : Distribution.HANDOVER_DISTRIBUTION_EVEN,
    assignments: body.assignments ?? [],
    rewriteCreator: body.rewriteCreator ?? false,
    reason: body.reason,
  });
}

function handoverToJson(handover: handoverV1.Handover): HandoverJson {
  return {
    id: handover.id,
    fromUserId: handover.fromUserId,
    successors: handover.successors.map((s) => ({
      userId: s.userId,
      unit: s.unit,
      customerCount: s.customerCount,
      followedCount: s.followedCount,
    })),
    allCustomers: handover.allCustomers,
    distribution: handover.distribution === Distribution.HANDOVER_DISTRIBUTION_MAPPING ? 'mapping' : 'even',
    rewriteCreator: handover.rewriteCreator,
    reason: handover.reason,
    customerCount: handover.customerCount,
    followedCount: handover.followedCount,
    creatorRewrittenCount: handover.creatorRewrittenCount,
    fromUnits: handover.fromUnits,
    actor: { id: handover.actorId, name: handover.actorName },
    createdAt: handover.createTime?.toISOString() ?? '',
  };
}

export function handoverRoutes(api: ApiRouter, client: Client): void {
  api.add({
    method: 'post',
    path: '/handovers',
    operationId: 'createHandover',
    summary:
      "Hand a leaving employee's customers (owned and followed, pending included) over to one or several successors, in one transaction",
    tag: TAG,
    permission: ['customer', 'transfer'],
    body: CreateHandoverBody,
    requestHeaders: {
      'Idempotency-Key': {
        description: 'Repeat a handover safely: the same key returns the first result.',
        schema: Type.String({ maxLength: 100 }),
      },
    },
    responses: {
      ...unitNotManaged,
      201: { description: 'The handover, done.', schema: Handover },
      400: problem('Invalid body; violations name the fields.'),
      404: problem("None of the employee's customers is in your scope, or a selected customer is not (violations name it by index)."),
      409: problem('A selected customer is neither owned nor followed by the employee (code not_employees_customer).'),
    },
    async handler({ body, call, req, res }) {
      const response = await call(client, 'createHandover', createRequestFromJson(body, req.get('idempotency-key')));
      const handover = handoverToJson(response.handover!);
      res.status(201).location(`${req.baseUrl}/handovers/${handover.id}`).json(handover);
    },
  });

  api.add({
    method: 'get',
    path: '/handovers',
    operationId: 'listHandovers',
    summary:
      'Handovers the caller may read, newest first: all for admin, director and analyst; else those they made, left, received or whose units they manage',
    tag: TAG,
    permission: ['customer', 'read'],
    query: ListHandoversQuery,
    responses: { 200: { description: 'One page.', schema: HandoverList } },
    async handler({ query, call, res }) {
      const response = await call(
        client,
        'listHandovers',
        handoverV1.ListHandoversRequest.fromPartial({
          page: pageFromQuery(query),
          fromUserId: query.fromUserId ?? '',
        }),
      );
      res.json({ items: response.handovers.map(handoverToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'get',
    path: '/handovers/{id}',
    operationId: 'getHandover',
    summary: 'One handover',
    tag: TAG,
    permission: ['customer', 'read'],
    params: HandoverIdParams,
    responses: {
      200: { description: 'The handover.', schema: Handover },
      404: problem('No such handover the caller may read.'),
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'getHandover', { id: params.id });
      res.json(handoverToJson(response.handover!));
    },
  });
}
