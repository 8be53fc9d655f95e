import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { ApiRouter, TextBodySpec } from './api-router';
import { sendProblem } from './problem';
import { fieldsWithNul } from './validation';

// The few routes that take text (a CSV import) get their body parsed here, ahead of the JSON
// parser, with their own media types and size limit; every other route stays JSON only.

function requireMediaType(spec: Pick<TextBodySpec, 'mediaTypes'>) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.is(spec.mediaTypes))
      return sendProblem(res, 415, 'unsupported_media_type', `send the body as ${spec.mediaTypes.join(' or ')}`);
    res.locals.textBody = true;
    next();
  };
}

// As in JSON fields (validation.ts): no text a service stores may hold NUL.
function refuseNul(req: Request, res: Response, next: NextFunction) {
  if (typeof req.body === 'string' && fieldsWithNul(req.body).length > 0)
    return sendProblem(res, 400, 'validation_failed', 'the body must not contain the NUL character', [
      { field: 'body', message: 'must not contain the NUL character' },
    ]);
  next();
}

/** Parses the bodies of the routes declaring `textBody`, and marks them so the JSON check lets them pass. */
export function textBodies(api: ApiRouter): Router {
  const router = Router();
  for (const spec of api.routes) {
    const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
    if (spec.streamBody) router[spec.method](expressPath, requireMediaType(spec.streamBody));
    if (!spec.textBody) continue;
    router[spec.method](
      expressPath,
      requireMediaType(spec.textBody),
      express.text({ type: () => true, limit: spec.textBody.limit, defaultCharset: 'utf-8' }),
      refuseNul,
    );
  }
  return router;
}
