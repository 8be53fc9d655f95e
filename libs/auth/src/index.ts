// Authentication and authorization for Liaison services: Keycloak access-token verification,
// the caller as a Principal, the role → permission matrix, customer data scopes, and token
// propagation over gRPC.
export { AuthError, isAuthError, type AuthErrorCode } from './errors';
export { principalFromClaims, type Principal, type PrincipalKind } from './principal';
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
  customerWriteScopeOf,
  followUpWriteScopeOf,
  unitCovers,
  type DataScope,
  type ScopedRecord,
} from './scope';
export { bearerMetadata, tokenFromAuthorizationHeader, tokenFromMetadata } from './propagation';
export {
  createClientCredentialsSource,
  fetchPasswordToken,
  type ClientCredentialsOptions,
  type PasswordTokenOptions,
  type TokenSource,
} from './token-endpoint';
