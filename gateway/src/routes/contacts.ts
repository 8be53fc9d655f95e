import { Type } from '@sinclair/typebox';
import type { Response } from 'express';
import type { contactV1 } from '@liaison/contracts';
import type { ApiRouter } from '../http/api-router';
import { SEARCH_QUERY } from '../http/field-names';
import { HttpProblem } from '../http/problem';
import { problem, versionProblems } from '../http/problem-responses';
import {
  contactToJson,
  createContactRequest,
  listContactsRequest,
  relationKindToProto,
  relationToJson,
  updateContactRequest,
} from './contact-json';
import {
  Contact,
  ContactGraph,
  ContactIdParams,
  ContactList,
  ContactRelation,
  CreateContactBody,
  CustomerContactsParams,
  DeleteContactQuery,
  ListContactsQuery,
  RelationParams,
  SetRelationBody,
  UpdateContactBody,
} from './contact-schemas';
import { nextPageTokenOf } from '../http/paging';
import { expectedVersion } from '../http/versions';

const TAG = 'Contacts';
const ETAG = { ETag: { description: 'The contact version, for If-Match.', schema: Type.String() } };
const IF_MATCH = {
  'If-Match': { description: 'ETag of the version being changed; or send the version otherwise.', schema: Type.String() },
};
const readOnly = {
  403: problem('The caller lacks the permission, or may only read the customer.'),
};
const noCustomer = { 404: problem("No such customer in the caller's scope.") };
const noContact = { 404: problem("No such contact in the caller's scope.") };

function sendContact(res: Response, contact: contactV1.Contact | undefined, status = 200) {
  const json = contactToJson(contact!);
  res.status(status).set('ETag', `"${json.version}"`).json(json);
}

function customerContactRoutes(api: ApiRouter, client: contactV1.ContactServiceClient): void {
  api.add({
    method: 'post',
    path: '/customers/{customerId}/contacts',
    operationId: 'createContact',
    summary: 'Add a contact (联系人) to a customer the caller may change',
    tag: TAG,
    permission: ['contact', 'create'],
    params: CustomerContactsParams,
    body: CreateContactBody,
    responses: {
      ...readOnly,
      201: { description: 'Created.', schema: Contact, headers: ETAG },
      ...noCustomer,
      409: problem('The login account is taken (login_account_taken).'),
    },
    async handler({ params, body, call, req, res }) {
      const response = await call(client, 'createContact', createContactRequest(params.customerId, body));
      res.location(`${req.baseUrl}/contacts/${response.contact!.id}`);
      sendContact(res, response.contact, 201);
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{customerId}/contacts',
    operationId: 'listContacts',
    summary: "List a customer's contacts in creation order, optionally by name or phone fragment",
    tag: TAG,
    permission: ['contact', 'read'],
    params: CustomerContactsParams,
    query: ListContactsQuery,
    fieldNames: SEARCH_QUERY,
    responses: { 200: { description: 'One page.', schema: ContactList }, ...noCustomer },
    async handler({ params, query, call, res }) {
      const response = await call(client, 'listContacts', listContactsRequest(params.customerId, query));
      res.json({ items: response.contacts.map(contactToJson), nextPageToken: nextPageTokenOf(response.page) });
    },
  });

  api.add({
    method: 'get',
    path: '/customers/{customerId}/contact-graph',
    operationId: 'getContactGraph',
    summary: "A customer's contacts and who reports to or influences whom",
    tag: TAG,
    permission: ['contact', 'read'],
    params: CustomerContactsParams,
    responses: {
      200: { description: 'Nodes and edges.', schema: ContactGraph },
      ...noCustomer,
    },
    async handler({ params, call, res }) {
      const response = await call(client, 'getContactGraph', { customerId: params.customerId });
      res.json({ nodes: response.nodes.map(contactToJson), edges: response.edges.map(relationToJson) });
    },
  });
}

function contactItemRoutes(api: ApiRouter, client: contactV1.ContactServiceClient): void {
  api.add({
    method: 'get',
    path: '/contacts/{id}',
    operationId: 'getContact',
    summary: 'Read one contact',
    tag: TAG,
    permission: ['contact', 'read'],
    params: ContactIdParams,
    responses: {
      200: { description: 'The contact.', schema: Contact, headers: ETAG },
      ...noContact,
    },
    async handler({ params, call, res }) {
      sendContact(res, (await call(client, 'getContact', { id: params.id })).contact);
    },
  });

  api.add({
    method: 'patch',
    path: '/contacts/{id}',
    operationId: 'updateContact',
    summary: 'Change some fields of a contact (optimistic concurrency)',
    tag: TAG,
    permission: ['contact', 'update'],
    params: ContactIdParams,
    body: UpdateContactBody,
    requestHeaders: IF_MATCH,
    responses: {
      ...readOnly,
      200: { description: 'The updated contact.', schema: Contact, headers: ETAG },
      ...noContact,
      409: problem('The login account is taken (login_account_taken).'),
      ...versionProblems('contact'),
    },
    async handler({ params, body, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'contact');
      const { version: _ignored, ...fields } = body;
      if (Object.keys(fields).length === 0) throw new HttpProblem(400, 'validation_failed', 'name at least one field to change');
      const response = await call(client, 'updateContact', updateContactRequest(params.id, version, fields));
      sendContact(res, response.contact);
    },
  });

  api.add({
    method: 'delete',
    path: '/contacts/{id}',
    operationId: 'deleteContact',
    summary: 'Delete a contact (soft delete; its relations go with it)',
    tag: TAG,
    permission: ['contact', 'delete'],
    params: ContactIdParams,
    query: DeleteContactQuery,
    requestHeaders: IF_MATCH,
    responses: {
      ...readOnly,
      204: { description: 'Deleted.' },
      400: problem('Invalid id or version.'),
      ...noContact,
      ...versionProblems('contact'),
    },
    async handler({ params, query, call, req, res }) {
      const version = expectedVersion(req.get('if-match'), query.version === undefined ? undefined : Number(query.version), 'contact');
      await call(client, 'deleteContact', { id: params.id, expectedVersion: version });
      res.status(204).end();
    },
  });
}

function relationRoutes(api: ApiRouter, client: contactV1.ContactServiceClient): void {
  api.add({
    method: 'put',
    path: '/contacts/{id}/relations/{toId}',
    operationId: 'setContactRelation',
    summary: 'Say how one contact relates to another of the same customer (reports to, influences, other)',
    tag: TAG,
    permission: ['contact', 'update'],
    params: RelationParams,
    body: SetRelationBody,
    responses: {
      ...readOnly,
      200: { description: "The relation, replacing the pair's earlier one.", schema: ContactRelation },
      201: { description: 'The relation, new.', schema: ContactRelation },
      400: problem('Invalid body, a self-relation or contacts of different customers.'),
      ...noContact,
      409: problem('The reporting line would form a cycle (reporting_cycle).'),
    },
    async handler({ params, body, call, res }) {
      const response = await call(client, 'setContactRelation', {
        fromContactId: params.id,
        toContactId: params.toId,
        kind: relationKindToProto(body.kind),
        label: body.label ?? '',
      });
      res.status(response.created ? 201 : 200).json(relationToJson(response.relation!));
    },
  });

  api.add({
    method: 'delete',
    path: '/contacts/{id}/relations/{toId}',
    operationId: 'removeContactRelation',
    summary: 'Remove the relation from one contact to another',
    tag: TAG,
    permission: ['contact', 'update'],
    params: RelationParams,
    responses: {
      ...readOnly,
      204: { description: 'Removed.' },
      400: problem('Invalid ids.'),
      404: problem("No such contact in the caller's scope, or no such relation."),
    },
    async handler({ params, call, res }) {
      await call(client, 'removeContactRelation', { fromContactId: params.id, toContactId: params.toId });
      res.status(204).end();
    },
  });
}

export function contactRoutes(api: ApiRouter, client: contactV1.ContactServiceClient): void {
  customerContactRoutes(api, client);
  contactItemRoutes(api, client);
  relationRoutes(api, client);
}
