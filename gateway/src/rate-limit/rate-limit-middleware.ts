import type { Request, RequestHandler, Response } from 'express';
import { principalOf } from '../http/authenticate';
import { sendProblem } from '../http/problem';
import type { LimitPolicy, LimitState, RateLimiter } from './rate-limiter';

// The rate limits of GW-07 on every API request of an authenticated caller: one per user and
// one per client (public routes: per client address and per form) (a partner's integration, the web console), each told in the IETF RateLimit
// fields (draft-ietf-httpapi-ratelimit-headers: RateLimit-Policy and RateLimit); a refusal is
// 429 problem+json with Retry-After.

export interface RateLimitSettings {
  perUser: LimitPolicy;
  perClient: LimitPolicy;
  /** Per-client quotas that differ from perClient, by client id. */
  clients: Record<string, number>;
}

function policiesOf(settings: RateLimitSettings, clientId: string): { user: LimitPolicy; client: LimitPolicy } {
  const override = settings.clients[clientId];
  return { user: settings.perUser, client: override === undefined ? settings.perClient : { ...settings.perClient, limit: override } };
}

function setFields(res: Response, states: LimitState[]): void {
  if (states.length === 0) return;
  res.setHeader('RateLimit-Policy', states.map(({ policy }) => `"${policy.name}";q=${policy.limit};w=${policy.windowSec}`).join(', '));
  res.setHeader('RateLimit', states.map(({ policy, remaining, resetSec }) => `"${policy.name}";r=${remaining};t=${resetSec}`).join(', '));
}

export function rateLimit(limiter: RateLimiter, settings: RateLimitSettings): RequestHandler {
  return limitBy(limiter, (req) => {
    const principal = principalOf(req);
    const { user, client } = policiesOf(settings, principal.clientId);
    return [
      { key: `user:${principal.userId}`, policy: user },
      { key: `client:${principal.clientId}`, policy: client },
    ];
  });
}

export interface PublicLimitSettings {
  perAddress: LimitPolicy;
  perForm: LimitPolicy;
}

/**
 * The limits of a public route (no login), by what identifies its callers: the client address
 * (req.ip, behind TRUST_PROXY_HOPS proxies) within one form, and the form as a whole, so that
 * one flooding address cannot drown a form, nor many a campaign's form the service.
 */
export function publicRateLimit(limiter: RateLimiter, settings: PublicLimitSettings, formOf: (req: Request) => string): RequestHandler {
  return limitBy(limiter, (req) => [
    { key: `public-address:${formOf(req)}:${req.ip ?? 'unknown'}`, policy: settings.perAddress },
    { key: `public-form:${formOf(req)}`, policy: settings.perForm },
  ]);
}

function limitBy(limiter: RateLimiter, keysOf: (req: Request) => { key: string; policy: LimitPolicy }[]): RequestHandler {
  return async (req, res, next) => {
    const verdict = await limiter.check(keysOf(req));
    setFields(res, verdict.states);
    if (verdict.allowed) return next();
    const exhausted = verdict.states.filter((state) => state.remaining === 0);
    res.setHeader('Retry-After', String(Math.max(...exhausted.map((state) => state.resetSec))));
    sendProblem(
      res,
      429,
      'rate_limited',
      `too many requests: the ${exhausted.map((state) => state.policy.name).join(' and ')} limit is reached`,
    );
  };
}
