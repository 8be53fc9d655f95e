import { Type } from '@sinclair/typebox';
import { customerV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { problem, versionProblems } from '../http/problem-responses';
import {
  categoryToProto,
  createRequestFromJson,
  customerToJson,
  LIST_FIELD_NAMES,
  listRequestFromQuery,
  updateRequestFromJson,
} from './customer-json';
import {
  ChangeCategoryBody,
  CreateCustomerBody,
  Customer,
  CustomerIdParams,
  CustomerList,
  ListCustomersQuery,
  UpdateCustomerBody,
} from './customer-schemas';
import { nextPageTokenOf } from '../http/paging';
import { etagOf, expectedVersion } from '../http/versions';

const ETAG = { ETag: { description: 'The customer version, for If-Match.', schema: Type.String() } };

export function customerRoutes(api: ApiRouter, client: customerV1.CustomerServiceClient): void {
  api.add({
    method: 'post',
    path: '/customers',
    operationId: 'createCustomer',
    summary: 'Create a customer owned by the caller',
    tag: 'Customers',
    permission: ['customer', 'create'],
    body: CreateCustomerBody,
    requestHeaders: {
      'Idempotency-Key': {
        description: 'Repeat a create safely: the same key returns the first result.',
        schema: Type.String({ maxLength: 100 }),
      },
    },
    responses: { 201: { description: 'Created.', schema: Customer, headers: ETAG } },
    async handler({ body, call, req, res }) {
      const key = req.get('idempotency-key');
      const response = await call(client, 'createCustomer', createRequestFromJson(body, key));
      const customer = customerToJson(response.customer!);
      res.status(201).location(`${req.baseUrl}/customers/${customer.id}`).set('ETag', etagOf(customer.version)).json(customer);
    },
  });

  api.add({
    method: 'get',
    path: '/customers',
    operationId: 'listCustomers',
    summary: 'Search the customers the caller may see: fuzzy name and phone, filters, sorting, cursor paging',
    tag: 'Customers',
    permission: ['customer', 'read'],
    query: ListCustomersQuery,
    fieldNames: LIST_FIELD_NAMES,
    responses: { 200: { description: 'One page.', schema: CustomerList } },
    async handler({ query, call, res }) {
      const response = await call(client, 'listCustomers', listRequestFromQuery(query));
      res.json({ items: response.customers.map(customerToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{id}',
    operationId: 'getCustomer',
    summary: 'Read one customer',
    tag: 'Customers',
    permission: ['customer', 'read'],
    params: CustomerIdParams,
    responses: {
      200: { description: 'The customer.', schema: Customer, headers: ETAG },
      404: problem("No such customer in the caller's scope."),
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'getCustomer', { id: params.id });
      const customer = customerToJson(response.customer!);
      res.set('ETag', etagOf(customer.version)).json(customer);
    },
  });

  api.add({
    method: 'patch',
    path: '/customers/{id}',
    operationId: 'updateCustomer',
    summary: 'Change some fields of a customer (optimistic concurrency)',
    tag: 'Customers',
    permission: ['customer', 'update'],
    params: CustomerIdParams,
    body: UpdateCustomerBody,
    requestHeaders: { 'If-Match': { description: 'ETag of the version being changed; or send body.version.', schema: Type.String() } },
    responses: {
      200: { description: 'The updated customer.', schema: Customer, headers: ETAG },
      404: problem("No such customer in the caller's scope."),
      ...versionProblems('customer'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'customer');
      const { version: _ignored, ...fields } = body;
      if (Object.keys(fields).length === 0) throw new HttpProblem(400, 'validation_failed', 'name at least one field to change');
      const response = await call(client, 'updateCustomer', updateRequestFromJson(params.id, version, fields));
      const customer = customerToJson(response.customer!);
      res.set('ETag', etagOf(customer.version)).json(customer);
    },
  });

  api.add({
    method: 'post',
    path: '/customers/{id}/category',
    operationId: 'changeCustomerCategory',
    summary: 'Move a customer along its lifecycle; to deal = deal confirmation (成交确认) with its date',
    tag: 'Customers',
    permission: ['customer', 'update'],
    params: CustomerIdParams,
    body: ChangeCategoryBody,
    requestHeaders: { 'If-Match': { description: 'ETag of the version being changed; or send body.version.', schema: Type.String() } },
    responses: {
      200: { description: 'The customer in its new category.', schema: Customer, headers: ETAG },
      404: problem("No such customer in the caller's scope."),
      409: problem('The lifecycle does not allow this move (code illegal_category_move or category_unchanged).'),
      ...versionProblems('customer'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'customer');
      const response = await call(
        client,
        'changeCustomerCategory',
        customerV1.ChangeCustomerCategoryRequest.fromPartial({
          id: params.id,
          expectedVersion: version,
          category: categoryToProto(body.category),
          dealDate: body.dealDate ?? '',
          reason: body.reason ?? '',
        }),
      );
      const customer = customerToJson(response.customer!);
      res.set('ETag', etagOf(customer.version)).json(customer);
    },
  });
}
