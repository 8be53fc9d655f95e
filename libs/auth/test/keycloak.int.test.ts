// Runs against the realm of the local stack (`scripts/stack up`): real tokens, real JWKS.
import {
  can,
  createClientCredentialsSource,
  createTokenVerifier,
  customerScopeOf,
  fetchPasswordToken,
  isAuthError,
  type Principal,
} from '../src';

const ISSUER = process.env.LIAISON_OIDC_ISSUER ?? 'http://localhost:8180/realms/liaison';
const TOKEN_URL = `${ISSUER}/protocol/openid-connect/token`;
const STACK_WAIT_MS = 120_000;

const verifier = createTokenVerifier({ issuer: ISSUER, audience: 'liaison-api' });

async function realmIsUp(): Promise<boolean> {
  try {
    const response = await fetch(`${ISSUER}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(2_000) });
    return response.ok && ((await response.json()) as { issuer?: string }).issuer === ISSUER;
  } catch {
    return false;
  }
}

async function waitForRealm(): Promise<void> {
  const deadline = Date.now() + STACK_WAIT_MS;
  while (!(await realmIsUp())) {
    if (Date.now() > deadline) throw new Error(`realm ${ISSUER} not reachable; start it with scripts/stack up`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

async function userPrincipal(username: string): Promise<Principal> {
  const token = await fetchPasswordToken({ tokenUrl: TOKEN_URL, clientId: 'liaison-web', username, password: 'liaison' });
  return verifier.verify(token);
}

async function servicePrincipal(clientId: string): Promise<Principal> {
  const source = createClientCredentialsSource({ tokenUrl: TOKEN_URL, clientId, clientSecret: `${clientId}-secret` });
  return verifier.verify(await source.getToken());
}

beforeAll(waitForRealm, STACK_WAIT_MS + 10_000);

describe('Keycloak user tokens', () => {
  it('identifies a sales rep limited to its own customers', async () => {
    const rep = await userPrincipal('rep.east.1');
    expect(rep).toMatchObject({ username: 'rep.east.1', kind: 'user', clientId: 'liaison-web', units: ['/Sales/East'], manages: [] });
    expect(rep.roles).toContain('sales-rep');
    expect(rep.userId).toMatch(/^[0-9a-f-]{36}$/);
    expect(customerScopeOf(rep)).toEqual({ kind: 'own', userId: rep.userId, followerId: rep.userId });
    expect(can(rep, 'customer', 'update')).toBe(true);
    expect(can(rep, 'customer', 'assign')).toBe(false);
  });

  it('gives the east sales manager the East unit to manage', async () => {
    const manager = await userPrincipal('manager.east');
    expect(manager).toMatchObject({ kind: 'user', units: ['/Sales/East'], manages: ['/Sales/East'] });
    expect(manager.roles).toContain('sales-manager');
    expect(customerScopeOf(manager)).toEqual({
      kind: 'managed',
      userId: manager.userId,
      units: ['/Sales/East'],
      followerId: manager.userId,
    });
    expect(can(manager, 'customer', 'transfer')).toBe(true);
  });

  it('limits the Acme partner user to its partner organisation', async () => {
    const partner = await userPrincipal('partner.acme');
    expect(partner.roles).toContain('partner');
    expect(partner.units).toEqual(['/Partners/Acme']);
    expect(customerScopeOf(partner)).toEqual({ kind: 'partner', partnerUnits: ['/Partners/Acme'] });
    expect(can(partner, 'customer', 'update')).toBe(false);
  });

  it('gives the administrator every record', async () => {
    const admin = await userPrincipal('admin');
    expect(admin.roles).toContain('admin');
    expect(admin.kind).toBe('user');
    expect(customerScopeOf(admin)).toEqual({ kind: 'all' });
  });

  it('refuses a wrong password at the token endpoint', async () => {
    const attempt = fetchPasswordToken({ tokenUrl: TOKEN_URL, clientId: 'liaison-web', username: 'rep.east.1', password: 'wrong' });
    await expect(attempt).rejects.toMatchObject({ code: 'credentials_rejected' });
  });
});

describe('Keycloak service tokens', () => {
  it('identifies the ERP connector as a service with the integration role', async () => {
    const erp = await servicePrincipal('erp-connector');
    expect(erp).toMatchObject({ kind: 'service', clientId: 'erp-connector', units: [], manages: [] });
    expect(erp.roles).toContain('erp-integration');
    expect(customerScopeOf(erp)).toEqual({ kind: 'all' });
    expect(can(erp, 'sales', 'create')).toBe(true);
  });

  it('identifies the internal client as a service with the internal role', async () => {
    const internal = await servicePrincipal('liaison-internal');
    expect(internal).toMatchObject({ kind: 'service', clientId: 'liaison-internal' });
    expect(internal.roles).toContain('internal-service');
    expect(can(internal, 'customer', 'update')).toBe(true);
  });
});

describe('Keycloak token tampering', () => {
  it('rejects a real token whose payload was edited to add the admin role', async () => {
    const token = await fetchPasswordToken({ tokenUrl: TOKEN_URL, clientId: 'liaison-web', username: 'rep.east.1', password: 'liaison' });
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    claims.realm_access.roles.push('admin');
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;

    const error = await verifier.verify(tampered).catch((thrown: unknown) => thrown);
    expect(isAuthError(error, 'token_invalid')).toBe(true);
    await expect(verifier.verify(token)).resolves.toMatchObject({ username: 'rep.east.1' });
  });

  it('rejects the ID token the same login returns', async () => {
    const form = new URLSearchParams({
      grant_type: 'password',
      client_id: 'liaison-web',
      username: 'rep.east.1',
      password: 'liaison',
      scope: 'openid',
    });
    const response = await fetch(TOKEN_URL, { method: 'POST', body: form });
    const { id_token: idToken } = (await response.json()) as { id_token: string };
    expect(idToken.split('.')).toHaveLength(3);
    await expect(verifier.verify(idToken)).rejects.toMatchObject({ code: 'token_audience' });
  });

  it('rejects a real token at a service expecting another audience', async () => {
    const token = await fetchPasswordToken({ tokenUrl: TOKEN_URL, clientId: 'liaison-web', username: 'rep.east.1', password: 'liaison' });
    const otherApi = createTokenVerifier({ issuer: ISSUER, audience: 'billing-api' });
    await expect(otherApi.verify(token)).rejects.toMatchObject({ code: 'token_audience' });
  });
});
