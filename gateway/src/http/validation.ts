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

/** Returns the value typed by its schema, or throws a 400 problem listing every violation. */
export function validate<S extends TSchema>(schema: S, value: unknown, where: 'body' | 'query' | 'path'): Static<S> {
  const check = validatorFor(schema);
  if (check(value)) return value as Static<S>;
  const violations = (check.errors ?? []).map((error) => toViolation(where, error));
  throw new HttpProblem(400, 'validation_failed', `the request ${where} is invalid`, violations);
}
