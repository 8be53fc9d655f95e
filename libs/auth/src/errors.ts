// One error type with a stable code so that transports (HTTP, gRPC) can map it without parsing
// messages. Messages are fixed per code: a client learns which check failed, never why, so a
// forger gets no oracle out of them. The original error stays in `cause` for server-side logs.

export type AuthErrorCode =
  | 'token_missing'
  | 'token_invalid'
  | 'token_expired'
  | 'token_audience'
  | 'token_issuer'
  | 'forbidden'
  | 'credentials_rejected'
  | 'auth_unavailable';

const messages: Record<AuthErrorCode, string> = {
  token_missing: 'authentication required',
  token_invalid: 'invalid token',
  token_expired: 'token expired',
  token_audience: 'token not issued for this audience',
  token_issuer: 'token issuer not trusted',
  forbidden: 'permission denied',
  credentials_rejected: 'client credentials rejected',
  auth_unavailable: 'identity provider unavailable',
};

const httpStatuses: Record<AuthErrorCode, number> = {
  token_missing: 401,
  token_invalid: 401,
  token_expired: 401,
  token_audience: 401,
  token_issuer: 401,
  forbidden: 403,
  credentials_rejected: 401,
  auth_unavailable: 503,
};

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly code: AuthErrorCode;
  readonly status: number;

  constructor(code: AuthErrorCode, options?: { cause?: unknown }) {
    super(messages[code], options);
    this.code = code;
    this.status = httpStatuses[code];
  }
}

export function isAuthError(error: unknown, code?: AuthErrorCode): error is AuthError {
  return error instanceof AuthError && (code === undefined || error.code === code);
}
