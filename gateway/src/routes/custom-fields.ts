import { customFieldV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { problem } from '../http/problem-responses';
import { definitionToJson, definitionToProto, updateMaskOf } from './custom-field-json';
import {
  CreateCustomFieldBody,
  CustomFieldDefinition,
  CustomFieldKeyParams,
  CustomFieldList,
  ListCustomFieldsQuery,
  UpdateCustomFieldBody,
} from './custom-field-schemas';

export function customFieldRoutes(api: ApiRouter, client: customFieldV1.CustomFieldServiceClient): void {
  api.add({
    method: 'get',
    path: '/custom-fields',
    operationId: 'listCustomFields',
    summary: 'The custom fields of customers (字段扩展), in sort order',
    tag: 'Custom fields',
    permission: ['customer', 'read'],
    query: ListCustomFieldsQuery,
    responses: { 200: { description: 'The definitions.', schema: CustomFieldList } },
    async handler({ query, call, res }) {
      const response = await call(client, 'listCustomFieldDefinitions', { includeDisabled: query.includeDisabled === 'true' });
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
      409: problem('The key (key_taken) or label (label_taken) is taken.'),
    },
    async handler({ body, call, req, res }) {
      const response = await call(client, 'createCustomFieldDefinition', { definition: definitionToProto(body) });
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
      404: problem('No such custom field.'),
      409: problem('Customers hold values the change would contradict (in_use), or the label is taken (label_taken).'),
    },
    async handler({ params, body, call, res }) {
      const request = customFieldV1.UpdateCustomFieldDefinitionRequest.fromPartial({
        key: params.key,
        definition: definitionToProto(body, params.key),
        updateMask: updateMaskOf(body),
      });
      const response = await call(client, 'updateCustomFieldDefinition', request);
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
      404: problem('No such custom field.'),
      409: problem('Customers hold values of it (in_use).'),
    },
    async handler({ params, call, res }) {
      await call(client, 'deleteCustomFieldDefinition', { key: params.key });
      res.status(204).end();
    },
  });
}
