import cors from 'cors';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { TokenSource, TokenVerifier } from '@liaison/auth';
import type { HealthMonitor, Logger, Pool, ServiceMetrics } from '@liaison/runtime';
import { auditWrites, isAudited, type AuditedRoute } from './audit/audit-middleware';
import type { AuditTrail } from './audit/audit-trail';
import { publicRateLimit, rateLimit, type PublicLimitSettings, type RateLimitSettings } from './rate-limit/rate-limit-middleware';
import type { RateLimiter } from './rate-limit/rate-limiter';
import { auditRecordRoutes } from './routes/audit-records';
import { ApiRouter } from './http/api-router';
import { actAsGateway, authenticate } from './http/authenticate';
import { openApiDocument } from './http/openapi';
import { problemHandler, sendProblem } from './http/problem';
import type { ServiceClients } from './clients';
import { routeModules } from './routes';
import { textBodies } from './http/text-body';
import { methodGuard } from './http/method-guard';
import { resumeTrace, routeOf, traceRequests } from './http/tracing';

export interface GatewayDeps {
  verifier: TokenVerifier;
  clients: ServiceClients;
  /** The gateway's database (audit trail, rate-limit counters). */
  pool: Pool;
  auditTrail: AuditTrail;
  rateLimiter: RateLimiter;
  rateLimits: RateLimitSettings;
  /** The gateway's own token, for the public routes. */
  gatewayToken: TokenSource;
  publicLimits: PublicLimitSettings;
  /** Proxies whose X-Forwarded-For names the client address (0: none). */
  trustProxyHops: number;
  corsOrigins: string[];
  logger: Logger;
  metrics: ServiceMetrics;
  health: HealthMonitor;
  publicUrl: string;
  bodyLimit: string;
}

export const API_BASE = '/api/v1';

/** The public REST API: routes declared once, validated, authorised, documented. */
export function createGatewayApp(deps: GatewayDeps): Express {
  const api = new ApiRouter();
  for (const declare of routeModules) declare(api, deps.clients);
  auditRecordRoutes(api, deps.pool);
  const openapi = openApiDocument(api, { title: 'Liaison CRM API', version: '1.0.0', serverUrl: `${deps.publicUrl}${API_BASE}` });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.trustProxyHops > 0) app.set('trust proxy', deps.trustProxyHops);
  app.use(traceRequests(), observe(deps.metrics), securityHeaders(), browserAccess(deps.corsOrigins, `${API_BASE}/public/`));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', (_req, res) => {
    const report = deps.health.current();
    res.status(report.ready ? 200 : 503).json(report);
  });
  app.get('/metrics', async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.get(`${API_BASE}/openapi.json`, (_req, res) => void res.set('Cache-Control', 'no-cache').json(openapi));
  app.use(
    API_BASE,
    noStore,
    methodGuard(api.routes),
    textBodies(api),
    requireJsonBody,
    express.json({ limit: deps.bodyLimit, strict: true }),
    resumeTrace(),
  );
  const verify = authenticate(deps.verifier);
  const limit = rateLimit(deps.rateLimiter, deps.rateLimits);
  const publicLimit = publicRateLimit(deps.rateLimiter, deps.publicLimits, (req) => String(req.params.key ?? ''));
  const asGateway = actAsGateway(deps.gatewayToken, deps.verifier);
  const audit = (route: AuditedRoute) => (isAudited(route) ? [auditWrites(deps.auditTrail, route)] : []);
  // Authentication, then the audit (so that a refusal below is recorded too), then the rate
  // limits; a public route is limited first (no one to authenticate) and goes on as the gateway.
  app.use(
    API_BASE,
    api.build((route) => (route.public ? [publicLimit, asGateway, ...audit(route)] : [verify, ...audit(route), limit])),
  );
  app.use((req, res) => sendProblem(res, 404, 'route_not_found', `no route for ${req.method} ${req.path}`));
  app.use(problemHandler(deps.logger));
  return app;
}

// Every answer: no MIME sniffing, never framed, no referrer, a CSP that allows nothing (the API
// serves no pages), and HSTS for deployments behind TLS.
function securityHeaders() {
  return helmet({
    contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
  });
}

// The web frontends live on other origins: those configured may call from a browser, with the
// headers the API reads and those it answers with exposed; any other origin gets no CORS headers.
// The public routes (web forms on any company website) answer every origin, without credentials.
function browserAccess(origins: string[], publicPrefix: string) {
  const allowed = new Set(origins);
  const common = {
    allowedHeaders: ['Authorization', 'Content-Type', 'If-Match', 'Idempotency-Key'],
    exposedHeaders: ['ETag', 'Location', 'RateLimit', 'RateLimit-Policy', 'Retry-After', 'X-Trace-Id', 'Content-Disposition'],
    maxAge: 600,
  };
  return cors<Request>((req, callback) => {
    const origin = req.headers.origin;
    const isPublic = req.path.startsWith(publicPrefix);
    callback(null, { ...common, origin: isPublic || (origin !== undefined && allowed.has(origin)) });
  });
}

// Answers carry personal data: no cache may keep them.
function noStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}

// Writes must say they send JSON: a form or text body would otherwise arrive as "no fields".
function requireJsonBody(req: Request, res: Response, next: NextFunction): void {
  const hasBody = ['POST', 'PUT', 'PATCH'].includes(req.method);
  if (hasBody && !res.locals.textBody && !req.is(['application/json', 'application/merge-patch+json'])) {
    return sendProblem(res, 415, 'unsupported_media_type', 'send the body as application/json');
  }
  next();
}

// RED metrics by route template.
function observe(metrics: ServiceMetrics) {
  return (req: Request, res: Response, next: NextFunction) => {
    const stop = metrics.httpDuration.startTimer();
    res.on('finish', () => {
      const route = routeOf(req) ?? 'unmatched';
      const labels = { method: req.method, route, status: String(res.statusCode) };
      metrics.httpRequests.inc(labels);
      stop(labels);
    });
    next();
  };
}
