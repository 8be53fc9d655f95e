// Authentication and authorization for Liaison services: Keycloak access-token verification,
// the caller as a Principal, the role → permission matrix, data scopes (in memory, SQL, MongoDB), and token
// propagation over gRPC.
export { AuthError, isAuthError, type AuthErrorCode } from './errors';
export { primaryUnit, principalFromClaims, type Principal, type PrincipalKind } from './principal';
export { createTokenVerifier, type TokenVerifier, type TokenVerifierOptions } from './verifier';
export {
  actions,
  can,
  modules,
  rolePermissions,
  requirePermission,
  // `require` cannot be imported by name in CommonJS code; use `auth.require` or requirePermission.
  requirePermission as require,
  type Action,
  type Grant,
  type Module,
} from './permissions';
export {
  canSeeRecord,
  customerScopeOf,
  customerScopePolicy,
  salesScopePolicy,
  customerWriteScopeOf,
  followUpWriteScopeOf,
  isUnitPath,
  readScopeOf,
  splitFollowed,
  unitCovers,
  writeScopeOf,
  type DataScope,
  type ScopedRecord,
  type ScopeKind,
  type ScopePolicy,
} from './scope';
export { scopeSql, unitPrefixPattern, type ScopeColumns, type SqlCondition } from './scope-sql';
export { scopeFilter, type MongoFilter, type ScopeFields } from './scope-mongo';
export { bearerMetadata, tokenFromAuthorizationHeader, tokenFromMetadata } from './propagation';
export {
  createClientCredentialsSource,
  fetchPasswordToken,
  type ClientCredentialsOptions,
  type PasswordTokenOptions,
  type TokenSource,
} from './token-endpoint';
