import { AppError } from './errors';

/**
 * The paths of an update_mask, checked against the table of what an update may change: refused
 * when empty or when one names something that cannot be updated (own keys only, so `toString`
 * or `constructor` are unknown like any other name). Returns the paths, each once, in order.
 */
export function requireUpdateMask(paths: readonly string[], updatable: Readonly<Record<string, unknown>>): string[] {
  if (paths.length === 0) throw AppError.invalid('update_mask is empty', [{ field: 'update_mask', message: 'name at least one field' }]);
  const unknown = paths.filter((path) => !Object.hasOwn(updatable, path));
  if (unknown.length > 0) {
    throw AppError.invalid(
      'update_mask names fields that cannot be updated',
      unknown.map((path) => ({ field: `update_mask.${path}`, message: 'not an updatable field' })),
    );
  }
  return [...new Set(paths)];
}
