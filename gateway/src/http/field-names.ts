import { AppError, toAppError } from '@liaison/runtime';

// Services name the fields of their violations as protobuf does (`to_owner_unit`,
// `customer_ids[2]`); a REST client sent JSON (`toOwnerUnit`, `customerIds[2]`) and must be told
// in its own names.

export function camelCaseField(field: string): string {
  return field.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/** Awaits a gRPC call; an error with field violations is rethrown with the fields renamed. */
export async function withJsonFieldNames<T>(call: Promise<T>, rename: (field: string) => string = camelCaseField): Promise<T> {
  try {
    return await call;
  } catch (error) {
    const appError = toAppError(error);
    if (!appError?.violations.length) throw error;
    throw new AppError(
      appError.code,
      appError.message,
      appError.violations.map((v) => ({ ...v, field: rename(v.field) })),
      appError.reason,
    );
  }
}
