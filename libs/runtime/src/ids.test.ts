import { AppError } from './errors';
import { isUuid, requireUuid } from './ids';

describe('ids', () => {
  it('accepts RFC UUIDs of any version and case, nothing else', () => {
    expect(isUuid('0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a6b')).toBe(true);
    expect(isUuid('6F9619FF-8B86-4D11-B42D-00C04FC964FF')).toBe(true);
    for (const bad of [
      '',
      'nope',
      '-'.repeat(36),
      '00000000-0000-0000-0000-000000000000',
      '6f9619ff-8b86-4d11-742d-00c04fc964ff',
      '6f9619ff8b864d11b42d00c04fc964ff',
    ]) {
      expect(isUuid(bad)).toBe(false);
    }
  });

  it('lower-cases a valid id and names the field of a bad one', () => {
    expect(requireUuid('6F9619FF-8B86-4D11-B42D-00C04FC964FF', 'id')).toBe('6f9619ff-8b86-4d11-b42d-00c04fc964ff');
    expect(() => requireUuid('x', 'customer_id')).toThrow(AppError);
    try {
      requireUuid('x', 'customer_id');
    } catch (error) {
      expect(error).toMatchObject({ code: 'invalid_argument', violations: [{ field: 'customer_id', message: 'must be a UUID' }] });
    }
  });
});
