import type { TSchema } from '@sinclair/typebox';

// Schemas registered with `named` become components of the OpenAPI document and are referenced
// by name; kept apart from the document's generator so that any schema module can name itself.

const schemaNames = new WeakMap<object, string>();

/** Gives a schema a component name in the OpenAPI document; returns the same schema. */
export function named<S extends TSchema>(name: string, schema: S): S {
  schemaNames.set(schema, name);
  return schema;
}

/** The component name given to a schema, if any. */
export function componentNameOf(schema: object): string | undefined {
  return schemaNames.get(schema);
}
