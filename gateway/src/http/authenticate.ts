import type { Request, RequestHandler } from 'express';
import { AppError } from '@liaison/runtime';
import { tokenFromAuthorizationHeader, type Principal, type TokenSource, type TokenVerifier } from '@liaison/auth';

// Verifies the bearer token locally against the realm's cached JWKS (no call to Keycloak per
// request) and keeps the raw token to forward on gRPC calls, where each service verifies it again.

interface Authenticated {
  principal: Principal;
  token: string;
}

const authenticated = new WeakMap<Request, Authenticated>();

export function authenticate(verifier: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    const token = tokenFromAuthorizationHeader(req.headers.authorization);
    authenticated.set(req, { principal: await verifier.verify(token), token });
    next();
  };
}

/**
 * For public routes: the request goes on as the gateway itself (its client-credentials token,
 * verified like any other), whatever the visitor sent. Without that token it cannot go on: 503.
 */
export function actAsGateway(source: TokenSource, verifier: TokenVerifier): RequestHandler {
  return async (req, _res, next) => {
    let token: string;
    try {
      token = await source.getToken();
    } catch {
      throw new AppError('unavailable', 'the gateway cannot obtain its own token');
    }
    authenticated.set(req, { principal: await verifier.verify(token), token });
    next();
  };
}

export function principalOf(req: Request): Principal {
  const entry = authenticated.get(req);
  if (!entry) throw new Error('route reached without authentication');
  return entry.principal;
}

export function tokenOf(req: Request): string {
  return authenticated.get(req)?.token ?? '';
}
