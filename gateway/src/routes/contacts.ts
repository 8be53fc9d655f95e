import { Type } from '@sinclair/typebox';
import type { Response } from 'express';
import { bearerMetadata } from '@liaison/auth';
import type { contactV1 } from '@liaison/contracts';
import { unary } from '@liaison/runtime';
import type { ApiRouter } from '../http/api-router';
import { HttpProblem } from '../http/problem';
import { ProblemSchema } from '../http/problem-schema';
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
const problem = (description: string) => ({ description, schema: ProblemSchema });
const ETAG = { ETag: { description: 'The contact version, for If-Match.', schema: Type.String() } };
const IF_MATCH = {
  'If-Match': { description: 'ETag of the version being changed; or send the version otherwise.', schema: Type.String() },
};
const authProblems = {
  401: problem('No valid access token.'),
  403: problem('The caller lacks the permission, or may only read the customer.'),
};
const noCustomer = { 404: problem("No such customer in the caller's scope.") };
const noContact = { 404: problem("No such contact in the caller's scope.") };
const versionProblems = {
  412: problem('The contact changed since the given version.'),
  428: problem('Neither If-Match nor a version was given.'),
};

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
      201: { description: 'Created.', schema: Contact, headers: ETAG },
      400: problem('Invalid body.'),
      ...authProblems,
      ...noCustomer,
      409: problem('The login account is taken (login_account_taken).'),
    },
    async handler({ params, body, token, req, res }) {
      const response = await unary(client.createContact.bind(client), createContactRequest(params.customerId, body), bearerMetadata(token));
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
    responses: { 200: { description: 'One page.', schema: ContactList }, 400: problem('Invalid query.'), ...authProblems, ...noCustomer },
    async handler({ params, query, token, res }) {
      const response = await unary(client.listContacts.bind(client), listContactsRequest(params.customerId, query), bearerMetadata(token));
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
      400: problem('Invalid id.'),
      ...authProblems,
      ...noCustomer,
    },
    async handler({ params, token, res }) {
      const response = await unary(client.getContactGraph.bind(client), { customerId: params.customerId }, bearerMetadata(token));
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
      400: problem('Invalid id.'),
      ...authProblems,
      ...noContact,
    },
    async handler({ params, token, res }) {
      sendContact(res, (await unary(client.getContact.bind(client), { id: params.id }, bearerMetadata(token))).contact);
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
      200: { description: 'The updated contact.', schema: Contact, headers: ETAG },
      400: problem('Invalid body.'),
      ...authProblems,
      ...noContact,
      409: problem('The login account is taken (login_account_taken).'),
      ...versionProblems,
    },
    async handler({ params, body, token, req, res }) {
      const version = expectedVersion(req.get('if-match'), body.version, 'contact');
      const { version: _ignored, ...fields } = body;
      if (Object.keys(fields).length === 0) throw new HttpProblem(400, 'validation_failed', 'name at least one field to change');
      const response = await unary(
        client.updateContact.bind(client),
        updateContactRequest(params.id, version, fields),
        bearerMetadata(token),
      );
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
      204: { description: 'Deleted.' },
      400: problem('Invalid id or version.'),
      ...authProblems,
      ...noContact,
      ...versionProblems,
    },
    async handler({ params, query, token, req, res }) {
      const version = expectedVersion(req.get('if-match'), query.version === undefined ? undefined : Number(query.version), 'contact');
      await unary(client.deleteContact.bind(client), { id: params.id, expectedVersion: version }, bearerMetadata(token));
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
      200: { description: "The relation, replacing the pair's earlier one.", schema: ContactRelation },
      201: { description: 'The relation, new.', schema: ContactRelation },
      400: problem('Invalid body, a self-relation or contacts of different customers.'),
      ...authProblems,
      ...noContact,
      409: problem('The reporting line would form a cycle (reporting_cycle).'),
    },
    async handler({ params, body, token, res }) {
      const response = await unary(
        client.setContactRelation.bind(client),
        {
          fromContactId: params.id,
          toContactId: params.toId,
          kind: relationKindToProto(body.kind),
          label: body.label ?? '',
        },
        bearerMetadata(token),
      );
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
      204: { description: 'Removed.' },
      400: problem('Invalid ids.'),
      ...authProblems,
      404: problem("No such contact in the caller's scope, or no such relation."),
    },
    async handler({ params, token, res }) {
      await unary(client.removeContactRelation.bind(client), { fromContactId: params.id, toContactId: params.toId }, bearerMetadata(token));
      res.status(204).end();
    },
  });
}

export function contactRoutes(api: ApiRouter, client: contactV1.ContactServiceClient): void {
  customerContactRoutes(api, client);
  contactItemRoutes(api, client);
  relationRoutes(api, client);
}
