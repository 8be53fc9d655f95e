import { principalFromClaims } from './index';

// Claim sets shaped like the realm's real tokens (Keycloak 26, realm `liaison`).
const managerClaims = {
  sub: '751d5d3d-ea75-4415-980f-55bfa62e5880',
  typ: 'Bearer',
  azp: 'liaison-web',
  sid: 'Urz_-Piu0BAgScsuobYH7msR',
  realm_access: { roles: ['sales-manager', 'default-roles-liaison', 'offline_access', 'uma_authorization'] },
  resource_access: { account: { roles: ['view-profile'] } },
  manages: ['/Sales/East'],
  groups: ['/Sales/East'],
  preferred_username: 'manager.east',
};

const erpClaims = {
  sub: 'ee70c18d-7ad6-45e0-86f5-80db4a548e19',
  typ: 'Bearer',
  azp: 'erp-connector',
  realm_access: { roles: ['default-roles-liaison', 'erp-integration'] },
  preferred_username: 'service-account-erp-connector',
};

describe('principalFromClaims', () => {
  it('maps a user token', () => {
    expect(principalFromClaims(managerClaims, 'raw')).toEqual({
      userId: '751d5d3d-ea75-4415-980f-55bfa62e5880',
      username: 'manager.east',
      roles: ['sales-manager', 'default-roles-liaison', 'offline_access', 'uma_authorization'],
      units: ['/Sales/East'],
      manages: ['/Sales/East'],
      clientId: 'liaison-web',
      kind: 'user',
      token: 'raw',
    });
  });

  it('maps a client-credentials token to a service without units', () => {
    expect(principalFromClaims(erpClaims, 'raw')).toMatchObject({
      username: 'service-account-erp-connector',
      clientId: 'erp-connector',
      kind: 'service',
      roles: ['default-roles-liaison', 'erp-integration'],
      units: [],
      manages: [],
    });
  });

  it('matches the service-account name of a client id with capitals in lower case', () => {
    const claims = { ...erpClaims, azp: 'ERP-Connector', preferred_username: 'service-account-erp-connector' };
    expect(principalFromClaims(claims, 'raw').kind).toBe('service');
  });

  it("does not take another client's service-account user for a service", () => {
    const viaWeb = { ...erpClaims, azp: 'liaison-web' };
    expect(principalFromClaims(viaWeb, 'raw').kind).toBe('user');
    const { azp: _azp, ...withoutClient } = erpClaims;
    expect(principalFromClaims({ ...withoutClient, preferred_username: 'service-account-' }, 'raw').kind).toBe('user');
  });

  it('does not take a look-alike user name for a service', () => {
    const lookAlike = { ...managerClaims, preferred_username: 'service-account-liaison-webx' };
    expect(principalFromClaims(lookAlike, 'raw').kind).toBe('user');
  });

  it('accepts single-valued claims and drops values that are not strings', () => {
    const claims = { ...managerClaims, manages: '/Sales/West', groups: ['/Sales/East', 7, null, ''], realm_access: { roles: 'admin' } };
    expect(principalFromClaims(claims, 'raw')).toMatchObject({ manages: ['/Sales/West'], units: ['/Sales/East'], roles: ['admin'] });
  });

  it('tolerates absent or malformed optional claims', () => {
    const principal = principalFromClaims({ sub: 's-1', realm_access: null, groups: { x: 1 } }, 'raw');
    expect(principal).toMatchObject({ userId: 's-1', username: 's-1', roles: [], units: [], manages: [], clientId: '', kind: 'user' });
  });
});
