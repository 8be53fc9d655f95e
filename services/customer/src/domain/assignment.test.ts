import type { Principal } from '@liaison/auth';
import { bulkRefusal, checkCustomerIds, checkRecipient, cleanReason, homeUnitOf, requireUnitAuthority } from './assignment';

const principal = (roles: string[], manages: string[] = [], units: string[] = []): Principal => ({
  userId: 'u-1',
  username: 'someone',
  roles,
  units,
  manages,
  clientId: 'liaison-web',
  kind: 'user',
  token: 't',
});

const ID = '8a1f3c52-0000-4000-8000-000000000001';
const OTHER = '8a1f3c52-0000-4000-8000-000000000002';

describe('checkCustomerIds', () => {
  it('accepts distinct UUIDs, lower-cased', () => {
    expect(checkCustomerIds([ID.toUpperCase(), OTHER])).toEqual([ID, OTHER]);
  });

  it('names each bad or repeated id by its index', () => {
    expect(() => checkCustomerIds([ID, 'x', ID.toUpperCase()])).toThrow(
      expect.objectContaining({
        code: 'invalid_argument',
        violations: [
          { field: 'customer_ids[1]', message: 'must be a UUID' },
          { field: 'customer_ids[2]', message: 'is repeated' },
        ],
      }),
    );
  });

  it('refuses empty and oversize lists', () => {
    expect(() => checkCustomerIds([])).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => checkCustomerIds(Array.from({ length: 201 }, () => ID))).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
  });
});

describe('checkRecipient and cleanReason', () => {
  it('needs a user id and a well-formed unit path', () => {
    expect(checkRecipient(' u-2 ', '/Sales/East', { user: 'assignee_id', unit: 'assignee_unit' })).toEqual({
      userId: 'u-2',
      unit: '/Sales/East',
    });
    for (const unit of ['', 'Sales/East', '/Sales/', '/', '/Sales//East']) {
      expect(() => checkRecipient('u-2', unit, { user: 'assignee_id', unit: 'assignee_unit' })).toThrow(
        expect.objectContaining({ violations: [{ field: 'assignee_unit', message: expect.any(String) }] }),
      );
    }
    expect(() => checkRecipient('', '/Sales/East', { user: 'assignee_id', unit: 'assignee_unit' })).toThrow(
      expect.objectContaining({ violations: [{ field: 'assignee_id', message: expect.any(String) }] }),
    );
  });

  it('keeps Chinese reasons, normalised, and enforces required and length', () => {
    expect(cleanReason('  客户要求更换销售  ', true)).toBe('客户要求更换销售');
    expect(cleanReason('', false)).toBeNull();
    expect(() => cleanReason('   ', true)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(() => cleanReason('长'.repeat(501), false)).toThrow(expect.objectContaining({ code: 'invalid_argument' }));
    expect(cleanReason('第一行\n第二行', true)).toBe('第一行\n第二行');
  });
});

describe('requireUnitAuthority', () => {
  it('lets a supervisor name only units they manage, and the units below', () => {
    const manager = principal(['sales-manager'], ['/Sales/East']);
    expect(() => requireUnitAuthority(manager, '/Sales/East', 'assignee_unit')).not.toThrow();
    expect(() => requireUnitAuthority(manager, '/Sales/East/Shanghai', 'assignee_unit')).not.toThrow();
    for (const unit of ['/Sales/West', '/Sales/Eastern', '/Sales']) {
      expect(() => requireUnitAuthority(manager, unit, 'assignee_unit')).toThrow(
        expect.objectContaining({ code: 'permission_denied', reason: 'unit_not_managed' }),
      );
    }
  });

  it('lets an admin name any unit and a rep none', () => {
    expect(() => requireUnitAuthority(principal(['admin']), '/Anywhere', 'assignee_unit')).not.toThrow();
    expect(() => requireUnitAuthority(principal(['sales-rep'], [], ['/Sales/East']), '/Sales/East', 'assignee_unit')).toThrow(
      expect.objectContaining({ reason: 'unit_not_managed' }),
    );
  });
});

describe('homeUnitOf', () => {
  it('is the most specific unit, or null without any', () => {
    expect(homeUnitOf(principal([], [], ['/Sales', '/Sales/East/Shanghai', '/Sales/East']))).toBe('/Sales/East/Shanghai');
    expect(homeUnitOf(principal([]))).toBeNull();
  });
});

describe('bulkRefusal', () => {
  it('is a plain not_found when every refusal is one, listing the ids', () => {
    expect(bulkRefusal([{ index: 2, code: 'not_found' }])).toMatchObject({ code: 'not_found', violations: [{ field: 'customer_ids[2]' }] });
  });

  it('keeps a single cause as the reason and mixes into bulk_refused', () => {
    expect(bulkRefusal([{ index: 0, code: 'read_only' }])).toMatchObject({ code: 'permission_denied', reason: 'read_only' });
    expect(
      bulkRefusal([
        { index: 0, code: 'owned_use_transfer' },
        { index: 1, code: 'owned_use_transfer' },
      ]),
    ).toMatchObject({ code: 'failed_precondition', reason: 'owned_use_transfer' });
    const mixed = bulkRefusal([
      { index: 0, code: 'not_found' },
      { index: 3, code: 'already_owner' },
    ]);
    expect(mixed).toMatchObject({ code: 'failed_precondition', reason: 'bulk_refused' });
    expect(mixed.violations.map((v) => v.field)).toEqual(['customer_ids[0]', 'customer_ids[3]']);
  });
});
