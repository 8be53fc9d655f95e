import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { TSchema, Static } from '@sinclair/typebox';
import type { FieldViolation } from '@liaison/runtime';
import { HttpProblem } from './problem';

// Requests are validated against the same TypeBox schemas the OpenAPI document is generated
// from, so the published contract and the enforced one cannot drift apart.

const ajv = new Ajv2020({ allErrors: true, strict: true, coerceTypes: false, useDefaults: false });
addFormats(ajv);
ajv.addKeyword('example');

const compiled = new WeakMap<TSchema, ValidateFunction>();

function validatorFor(schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate;
}

function toViolation(where: string, error: ErrorObject): FieldViolation {
  const pointer = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (error.keyword === 'additionalProperties') {
    const field = [pointer, String(error.params.additionalProperty)].filter(Boolean).join('.');
    return { field: field || where, message: 'is not a known field' };
  }
  if (error.keyword === 'required') {
    const field = [pointer, String(error.params.missingProperty)].filter(Boolean).join('.');
    return { field, message: 'is required' };
  }
  return { field: pointer || where, message: error.message ?? 'is invalid' };
}

// PostgreSQL text cannot hold U+0000, and no name, note or filter needs it: refused at the door
// for every field, rather than failing deep down in a service.
const NUL = '\u0000';

/** The fields (dotted paths) of a parsed JSON value or query whose text holds NUL. */
export function fieldsWithNul(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return value.includes(NUL) ? [path] : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => fieldsWithNul(item, `${path}[${i}]`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, item]) => fieldsWithNul(item, path ? `${path}.${key}` : key));
}

/** Returns the value typed by its schema, or throws a 400 problem listing every violation. */
export function validate<S extends TSchema>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): Static<S> {
  const check = validatorFor(schema);
  const violations = check(value) ? [] : (check.errors ?? []).map((error) => toViolation(where, error));
  violations.push(...fieldsWithNul(value).map((field) => ({ field: field || where, message: 'must not contain the NUL character' })));
  if (violations.length === 0) return value as Static<S>;
  throw new HttpProblem(400, 'validation_failed', `the request ${where} is invalid`, violations);
}
