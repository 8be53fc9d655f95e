import { requireUpdateMask } from './field-masks';

describe('requireUpdateMask', () => {
  const updatable = { name: 'name', phone: 'phone' };

  it('returns the paths, each once', () => {
    expect(requireUpdateMask(['phone', 'name', 'phone'], updatable)).toEqual(['phone', 'name']);
  });

  it('refuses an empty mask and names every unknown path, prototype names included', () => {
    expect(() => requireUpdateMask([], updatable)).toThrow(/empty/);
    try {
      requireUpdateMask(['name', 'status', 'toString'], updatable);
      throw new Error('not refused');
    } catch (error) {
      expect(error).toMatchObject({
        code: 'invalid_argument',
        violations: [{ field: 'update_mask.status' }, { field: 'update_mask.toString' }],
      });
    }
  });
});
