import {
  canSeeRecord,
  customerScopeOf,
  customerWriteScopeOf,
  followUpWriteScopeOf,
  unitCovers,
  type DataScope,
  type Principal,
} from './index';

function principal(overrides: Partial<Principal>): Principal {
  return {
    userId: 'u-1',
    username: 'someone',
    roles: [],
    units: [],
    manages: [],
    clientId: 'liaison-web',
    kind: 'user',
    token: 't',
    ...overrides,
  };
}

describe('customerScopeOf', () => {
  it.each(['admin', 'director', 'internal-service', 'erp-integration', 'analyst', 'service-agent', 'service-manager'])(
    'gives %s every record',
    (role) => {
      expect(customerScopeOf(principal({ roles: [role] }))).toEqual({ kind: 'all' });
    },
  );

  it.each(['sales-manager'])('limits a %s to the units it manages', (role) => {
    const manager = principal({ userId: 'm-east', roles: [role], units: ['/Sales/East'], manages: ['/Sales/East'] });
    expect(customerScopeOf(manager)).toEqual({ kind: 'managed', userId: 'm-east', units: ['/Sales/East'], followerId: 'm-east' });
  });

  it('ignores malformed managed paths', () => {
    const manager = principal({ roles: ['sales-manager'], manages: ['/Sales/East', '/', 'Sales', ''] });
    expect(customerScopeOf(manager)).toMatchObject({ units: ['/Sales/East'] });
  });

  it('limits a sales rep to its own records and those it follows', () => {
    expect(customerScopeOf(principal({ userId: 'r-1', roles: ['sales-rep'], units: ['/Sales/East'] }))).toEqual({
      kind: 'own',
      userId: 'r-1',
      followerId: 'r-1',
    });
  });

  it('limits a partner to its partner organisations', () => {
    const partner = principal({ roles: ['partner'], units: ['/Partners/Acme/Support', '/Partners/Acme', '/Sales/East'] });
    expect(customerScopeOf(partner)).toEqual({ kind: 'partner', partnerUnits: ['/Partners/Acme'] });
  });

  it.each([[['default-roles-liaison']], [[]]])('gives roles %j no records', (roles) => {
    expect(customerScopeOf(principal({ roles }))).toEqual({ kind: 'none' });
  });

  it('takes the widest scope among the roles', () => {
    expect(customerScopeOf(principal({ roles: ['sales-rep', 'analyst'] }))).toEqual({ kind: 'all' });
    expect(customerScopeOf(principal({ roles: ['sales-rep', 'sales-manager'] })).kind).toBe('managed');
    expect(customerScopeOf(principal({ roles: ['partner', 'sales-rep'] })).kind).toBe('own');
    expect(customerScopeOf(principal({ roles: ['default-roles-liaison', 'partner'] })).kind).toBe('partner');
  });
});

describe('customerWriteScopeOf', () => {
  it('comes only from roles that may update customers', () => {
    const repAndAgent = principal({ userId: 'r-1', roles: ['sales-rep', 'service-agent'] });
    expect(customerScopeOf(repAndAgent)).toEqual({ kind: 'all' });
    expect(customerWriteScopeOf(repAndAgent)).toEqual({ kind: 'own', userId: 'r-1' });
    expect(customerWriteScopeOf(principal({ roles: ['analyst'] }))).toEqual({ kind: 'none' });
    expect(customerWriteScopeOf(principal({ roles: ['admin'] }))).toEqual({ kind: 'all' });
    expect(customerWriteScopeOf(principal({ userId: 'm', roles: ['sales-manager'], manages: ['/Sales/East'] }))).toEqual({
      kind: 'managed',
      userId: 'm',
      units: ['/Sales/East'],
    });
  });

  it('lets followers record follow-ups but not change the customer', () => {
    const rep = principal({ userId: 'r-1', roles: ['sales-rep'] });
    expect(customerWriteScopeOf(rep)).toEqual({ kind: 'own', userId: 'r-1' });
    expect(followUpWriteScopeOf(rep)).toEqual({ kind: 'own', userId: 'r-1', followerId: 'r-1' });
    expect(followUpWriteScopeOf(principal({ roles: ['analyst'] }))).toEqual({ kind: 'none' });
    expect(followUpWriteScopeOf(principal({ roles: ['partner'], units: ['/Partners/Acme'] }))).toEqual({ kind: 'none' });
  });

  it('never lets partners write through a share', () => {
    expect(customerWriteScopeOf(principal({ roles: ['partner'], units: ['/Partners/Acme'] }))).toEqual({ kind: 'none' });
  });
});

describe('unitCovers', () => {
  it.each([
    ['/Sales/East', '/Sales/East', true],
    ['/Sales/East', '/Sales/East/Shanghai', true],
    ['/Sales', '/Sales/East/Shanghai', true],
    ['/Sales/East', '/Sales/Eastern', false],
    ['/Sales/East', '/Sales', false],
    ['/Sales/East', '/Sales/West', false],
    ['/Sales/East', '/sales/east', false],
    ['/Sales/East/', '/Sales/East/Shanghai', false],
    ['/', '/Sales/East', false],
    ['', '/Sales/East', false],
    ['Sales/East', 'Sales/East', false],
    ['/Sales/East', '/Sales/East//Shanghai', false],
  ])('%j covers %j: %s', (managed, unit, expected) => {
    expect(unitCovers(managed, unit)).toBe(expected);
  });
});

describe('canSeeRecord', () => {
  const mine = { ownerId: 'u-1', ownerUnit: '/Sales/East' };
  const eastColleague = { ownerId: 'u-2', ownerUnit: '/Sales/East' };
  const shanghai = { ownerId: 'u-3', ownerUnit: '/Sales/East/Shanghai' };
  const eastern = { ownerId: 'u-4', ownerUnit: '/Sales/Eastern' };
  const west = { ownerId: 'u-5', ownerUnit: '/Sales/West' };
  const sharedWithAcme = { ownerId: 'u-5', ownerUnit: '/Sales/West', sharedWithUnits: ['/Partners/Acme'] };
  const sharedWithGlobex = { ownerId: 'u-5', ownerUnit: '/Sales/West', sharedWithUnits: ['/Partners/Globex'] };
  const unowned = { ownerId: 'u-6', ownerUnit: null };
  const followedByU1 = { ownerId: 'u-5', ownerUnit: '/Sales/West', followerId: 'u-1' };

  const visible = (scope: DataScope) =>
    Object.entries({ mine, eastColleague, shanghai, eastern, west, sharedWithAcme, sharedWithGlobex, unowned, followedByU1 })
      .filter(([, record]) => canSeeRecord(scope, record))
      .map(([name]) => name);

  it('shows everything for all', () => {
    expect(visible({ kind: 'all' })).toHaveLength(9);
  });

  it('shows own records and records owned below the managed units', () => {
    expect(visible({ kind: 'managed', userId: 'u-1', units: ['/Sales/East'] })).toEqual(['mine', 'eastColleague', 'shanghai']);
    expect(visible({ kind: 'managed', userId: 'u-6', units: [] })).toEqual(['unowned']);
  });

  it('shows only own records for own', () => {
    expect(visible({ kind: 'own', userId: 'u-1' })).toEqual(['mine']);
  });

  it('adds the records the user follows when the scope carries the follower', () => {
    expect(visible({ kind: 'own', userId: 'u-1', followerId: 'u-1' })).toEqual(['mine', 'followedByU1']);
    expect(visible({ kind: 'managed', userId: 'u-1', units: ['/Sales/East'], followerId: 'u-1' })).toEqual([
      'mine',
      'eastColleague',
      'shanghai',
      'followedByU1',
    ]);
    expect(visible({ kind: 'own', userId: 'u-2', followerId: 'u-2' })).toEqual(['eastColleague']);
  });

  it('shows records shared with or owned in the partner organisation', () => {
    expect(visible({ kind: 'partner', partnerUnits: ['/Partners/Acme'] })).toEqual(['sharedWithAcme']);
    expect(canSeeRecord({ kind: 'partner', partnerUnits: ['/Partners/Acme'] }, { ownerId: 'p', ownerUnit: '/Partners/Acme' })).toBe(true);
    expect(visible({ kind: 'partner', partnerUnits: [] })).toEqual([]);
  });

  it('shows nothing for none', () => {
    expect(visible({ kind: 'none' })).toEqual([]);
  });
});
