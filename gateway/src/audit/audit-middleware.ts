import type { Request, RequestHandler, Response } from 'express';
import { principalOf } from '../http/authenticate';
import type { AuditEntry, AuditTrail } from './audit-trail';

// Puts every write of an authenticated caller on the audit trail, whatever its outcome: the
// answer leaves once its record is stored (res.end waits for it), so an answered write always
// has its record. Reads are not recorded; unauthenticated requests (401) have no one to record.

export interface AuditedRoute {
  method: string;
  /** The route template, e.g. /customers/{id}. */
  path: string;
  operationId: string;
}

const WRITES = new Set(['post', 'put', 'patch', 'delete']);

export function isAudited(route: AuditedRoute): boolean {
  return WRITES.has(route.method);
}

export function auditWrites(trail: AuditTrail, route: AuditedRoute): RequestHandler {
  return (req, res, next) => {
    // Read now: an error answered by the app's handler finds req.params reset to its own.
    const pathId = typeof req.params.id === 'string' ? req.params.id : null;
    const end = res.end.bind(res) as (...args: unknown[]) => Response;
    res.end = ((...args: unknown[]) => {
      void trail.record(entryOf(req, res, route, pathId)).then(() => end(...args));
      return res;
    }) as Response['end'];
    next();
  };
}

function entryOf(req: Request, res: Response, route: AuditedRoute, pathId: string | null): AuditEntry {
  const principal = principalOf(req);
  return {
    at: new Date(),
    actorId: principal.userId,
    actorName: principal.username,
    clientId: principal.clientId,
    method: req.method,
    route: route.path,
    operationId: route.operationId,
    resourceType: route.path.split('/')[1] ?? '',
    resourceId: pathId ?? createdId(res),
    status: res.statusCode,
    outcome: res.statusCode < 400 ? 'ok' : String(res.locals.problemCode ?? res.statusCode),
    traceId: (res.getHeader('X-Trace-Id') as string | undefined) ?? null,
  };
}

// A create names its record in Location (…/customers/<id>).
function createdId(res: Response): string | null {
  const location = res.getHeader('Location');
  return typeof location === 'string' ? (location.split('/').pop() ?? null) : null;
}
