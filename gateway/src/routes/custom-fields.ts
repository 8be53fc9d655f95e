import { bearerMetadata } from '@liaison/auth';
import { customFieldV1 } from '@liaison/contracts';
import { unary } from '@liaison/runtime';
import type { ApiRouter } from '../http/api-router';
import { ProblemSchema } from '../http/problem-schema';
import { definitionToJson, definitionToProto, updateMaskOf } from './custom-field-json';
import {
  CreateCustomFieldBody,
  CustomFieldDefinition,
  CustomFieldKeyParams,
  CustomFieldList,
  ListCustomFieldsQuery,
  UpdateCustomFieldBody,
} from './custom-field-schemas';

const problem = (description: string) => ({ description, schema: ProblemSchema });
const authProblems = { 401: problem('No valid access token.'), 403: problem('The caller lacks the permission.') };

export function customFieldRoutes(api: ApiRouter, client: customFieldV1.CustomFieldServiceClient): void {
  api.add({
    method: 'get',
    path: '/custom-fields',
    operationId: 'listCustomFields',
    summary: 'The custom fields of customers (字段扩展), in sort order',
    tag: 'Custom fields',
    permission: ['customer', 'read'],
    query: ListCustomFieldsQuery,
    responses: { 200: { description: 'The definitions.', schema: CustomFieldList }, 400: problem('Invalid query.'), ...authProblems },
    async handler({ query, token, res }) {
      const response = await unary(
        client.listCustomFieldDefinitions.bind(client),
        { includeDisabled: query.includeDisabled === 'true' },
        bearerMetadata(token),
      );
      res.json({ items: response.definitions.map(definitionToJson) });
    },
  });

  api.add({
    method: 'post',
    path: '/custom-fields',
    operationId: 'createCustomField',
    summary: 'Add a typed field to the customer record (administrators)',
    tag: 'Custom fields',
    permission: ['admin', 'create'],
    body: CreateCustomFieldBody,
    responses: {
      201: { description: 'Created, enabled.', schema: CustomFieldDefinition },
      400: problem('Invalid definition.'),
      ...authProblems,
      409: problem('The key (key_taken) or label (label_taken) is taken.'),
    },
    async handler({ body, token, req, res }) {
      const response = await unary(
        client.createCustomFieldDefinition.bind(client),
        { definition: definitionToProto(body) },
        bearerMetadata(token),
      );
      const created = definitionToJson(response.definition!);
      res.status(201).location(`${req.baseUrl}/custom-fields/${created.key}`).json(created);
    },
  });

  api.add({
    method: 'patch',
    path: '/custom-fields/{key}',
    operationId: 'updateCustomField',
    summary: 'Change a custom field without contradicting the values customers hold (administrators)',
    tag: 'Custom fields',
    permission: ['admin', 'update'],
    params: CustomFieldKeyParams,
    body: UpdateCustomFieldBody,
    responses: {
      200: { description: 'The definition.', schema: CustomFieldDefinition },
      400: problem('Invalid definition.'),
      ...authProblems,
      404: problem('No such custom field.'),
      409: problem('Customers hold values the change would contradict (in_use), or the label is taken (label_taken).'),
    },
    async handler({ params, body, token, res }) {
      const request = customFieldV1.UpdateCustomFieldDefinitionRequest.fromPartial({
        key: params.key,
        definition: definitionToProto(body, params.key),
        updateMask: updateMaskOf(body),
      });
      const response = await unary(client.updateCustomFieldDefinition.bind(client), request, bearerMetadata(token));
      res.json(definitionToJson(response.definition!));
    },
  });

  api.add({
    method: 'delete',
    path: '/custom-fields/{key}',
    operationId: 'deleteCustomField',
    summary: 'Delete a custom field no customer has a value for (administrators); disable one in use instead',
    tag: 'Custom fields',
    permission: ['admin', 'delete'],
    params: CustomFieldKeyParams,
    responses: {
      204: { description: 'Deleted.' },
      ...authProblems,
      404: problem('No such custom field.'),
      409: problem('Customers hold values of it (in_use).'),
    },
    async handler({ params, token, res }) {
      await unary(client.deleteCustomFieldDefinition.bind(client), { key: params.key }, bearerMetadata(token));
      res.status(204).end();
    },
  });
}
