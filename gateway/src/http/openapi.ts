import type { TSchema } from '@sinclair/typebox';
import type { ApiRouter, RouteSpec } from './api-router';
import { componentNameOf } from './schema-names';

// The OpenAPI 3.1 document is derived from the route declarations, whose schemas are the ones
// that validate requests. Schemas registered with `named` become components and are referenced.

type Json = Record<string, unknown>;

function toJsonSchema(schema: unknown, components: Json, isRoot = false): unknown {
  if (Array.isArray(schema)) return schema.map((item) => toJsonSchema(item, components));
  if (schema === null || typeof schema !== 'object') return schema;
  const name = componentNameOf(schema);
  if (name && !isRoot) {
    if (!(name in components)) {
      components[name] = {}; // placeholder first, so recursive schemas terminate
      components[name] = toJsonSchema(schema, components, true);
    }
    return { $ref: `#/components/schemas/${name}` };
  }
  // Object.entries skips TypeBox's symbol keys, leaving plain JSON Schema.
  return Object.fromEntries(Object.entries(schema).map(([key, value]) => [key, toJsonSchema(value, components)]));
}

function operationOf(route: RouteSpec, components: Json): Json {
  const parameters: Json[] = [];
  const addParameters = (schema: TSchema | undefined, where: 'path' | 'query') => {
    const properties = (schema?.properties ?? {}) as Record<string, TSchema>;
    const required = new Set<string>((schema?.required as string[] | undefined) ?? []);
    for (const [name, property] of Object.entries(properties)) {
      parameters.push({
        name,
        in: where,
        required: where === 'path' || required.has(name),
        description: property.description,
        schema: toJsonSchema(property, components),
      });
    }
  };
  addParameters(route.params, 'path');
  addParameters(route.query, 'query');
  for (const [name, header] of Object.entries(route.requestHeaders ?? {})) {
    parameters.push({
      name,
      in: 'header',
      required: header.required ?? false,
      description: header.description,
      schema: toJsonSchema(header.schema, components),
    });
  }
  const responses = Object.fromEntries(
    Object.entries(route.responses).map(([status, response]) => [
      status,
      {
        description: response.description,
        ...(response.headers
          ? {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([h, spec]) => [
                  h,
                  { description: spec.description, schema: toJsonSchema(spec.schema, components) },
                ]),
              ),
            }
          : {}),
        ...(response.schema
          ? {
              content: {
                [Number(status) >= 400 ? 'application/problem+json' : 'application/json']: {
                  schema: toJsonSchema(response.schema, components),
                },
              },
            }
          : {}),
      },
    ]),
  );
  return {
    'operationId': route.operationId,
    'summary': route.summary,
    'tags': [route.tag],
    'x-permission': route.permission.join(':'),
    ...(parameters.length ? { parameters } : {}),
    ...(route.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: toJsonSchema(route.body, components) } } } }
      : {}),
    ...(route.streamBody
      ? {
          requestBody: {
            required: true,
            description: route.streamBody.description,
            content: Object.fromEntries(
              route.streamBody.mediaTypes.map((type) => [type, { schema: { type: 'string', format: 'binary' } }]),
            ),
          },
        }
      : {}),
    ...(route.textBody
      ? {
          requestBody: {
            required: true,
            description: route.textBody.description,
            content: Object.fromEntries(route.textBody.mediaTypes.map((type) => [type, { schema: { type: 'string' } }])),
          },
        }
      : {}),
    responses,
    'security': route.public ? [] : [{ bearer: [] }],
    ...(route.public ? { 'x-public': true } : {}),
  };
}

export function openApiDocument(api: ApiRouter, info: { title: string; version: string; serverUrl: string }): Json {
  const components: Json = {};
  const paths: Record<string, Json> = {};
  for (const route of api.routes) {
    paths[route.path] ??= {};
    paths[route.path][route.method] = operationOf(route, components);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Liaison CRM public API. Errors are application/problem+json with a stable `code`; field violations name fields as sent in JSON. ' +
        'A path asked with a method it does not serve answers 405 (code method_not_allowed) with the methods it serves in Allow; an unknown path answers 404 (code route_not_found).',
    },
    servers: [{ url: info.serverUrl }],
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Keycloak access token of realm liaison.' },
      },
    },
  };
}
