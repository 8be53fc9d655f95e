// The authenticated caller as the services see it, derived from verified Keycloak claims only.
import type { JWTPayload } from 'jose';

export type PrincipalKind = 'user' | 'service';

export interface Principal {
  userId: string;
  username: string;
  roles: string[];
  /** Full Keycloak group paths the caller belongs to, e.g. `/Sales/East`. */
  units: string[];
  /** Group paths whose members' records the caller may see (user attribute `manages`). */
  manages: string[];
  /** The OAuth client the token was issued to (`azp`). */
  clientId: string;
  kind: PrincipalKind;
  /** The raw access token, for propagation to downstream services. */
  token: string;
}

/** The caller's own org unit: the most specific group they are in (new records belong to it). */
export function primaryUnit(principal: Pick<Principal, 'units'>): string | null {
  const units = [...principal.units].sort((a, b) => b.split('/').length - a.split('/').length || a.localeCompare(b));
  return units[0] ?? null;
}

// Keycloak issues client-credentials tokens to the client's service-account user, which it always
// names `service-account-<client id>` in lower case. The absence of `sid` is no basis: whether a
// client-credentials token carries a session depends on client settings, not on the grant.
const SERVICE_ACCOUNT_PREFIX = 'service-account-';

export function principalFromClaims(claims: JWTPayload, token: string): Principal {
  const username = stringClaim(claims.preferred_username) ?? String(claims.sub);
  const clientId = stringClaim(claims.azp) ?? stringClaim(claims.client_id) ?? '';
  return {
    userId: String(claims.sub),
    username,
    roles: stringList(realmRolesOf(claims)),
    units: stringList(claims.groups),
    manages: stringList(claims.manages),
    clientId,
    kind: isServiceAccount(username, clientId) ? 'service' : 'user',
    token,
  };
}

function isServiceAccount(username: string, clientId: string): boolean {
  // Matching the issuing client, not just the prefix, keeps a token that some other client got
  // for a service-account user (token exchange, impersonation) from passing as a service.
  return clientId !== '' && username === `${SERVICE_ACCOUNT_PREFIX}${clientId}`.toLowerCase();
}

function realmRolesOf(claims: JWTPayload): unknown {
  const realmAccess = claims.realm_access;
  return typeof realmAccess === 'object' && realmAccess !== null ? (realmAccess as { roles?: unknown }).roles : undefined;
}

function stringClaim(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

// A single-valued mapper emits a string where a multi-valued one emits an array; accept both.
function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) return [];
  return value.filter((item): item is string => typeof item === 'string' && item !== '');
}
