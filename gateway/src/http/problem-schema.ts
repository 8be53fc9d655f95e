import { Type } from '@sinclair/typebox';
import { named } from './schema-names';

export const ProblemSchema = named(
  'Problem',
  Type.Object(
    {
      type: Type.String({ format: 'uri' }),
      title: Type.String(),
      status: Type.Integer(),
      code: Type.String({ description: 'Stable machine-readable error code, e.g. not_found, validation_failed, token_expired.' }),
      detail: Type.Optional(Type.String()),
      violations: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
      traceId: Type.Optional(Type.String()),
    },
    { additionalProperties: false },
  ),
);
