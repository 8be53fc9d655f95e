import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

// A path the API serves, asked with a method it does not serve there, is 405 with the methods
// it does serve in Allow (RFC 9110), not a 404 that would say the path does not exist; OPTIONS
// answers the same list. As OpenAPI matches paths, a concrete path wins over a templated one:
// /customers/merge serves POST only, though /customers/{id} would take a PATCH. It runs before
// the bodies are read, so that a wrong method is not first refused for its body.

interface Served {
  method: string;
  path: string;
}

interface Pattern {
  method: string;
  pattern: RegExp;
  /** Path parameters: the fewer, the more concrete the path. */
  parameters: number;
}

// Allow lists methods in this order, whatever order the routes were declared in.
const METHOD_ORDER = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

// As Express matches paths: parameters are one segment, case and a trailing slash do not matter.
function patternOf(path: string): RegExp {
  const source = path
    .split(/\{\w+\}/)
    .map(escapeRegExp)
    .join('[^/]+');
  return new RegExp(`^${source}/?$`, 'i');
}

/** Answers 405 (or OPTIONS) for known paths; lets any other request through. */
export function methodGuard(routes: Served[]): RequestHandler {
  const served: Pattern[] = routes.map((route) => ({
    method: route.method.toUpperCase(),
    pattern: patternOf(route.path),
    parameters: route.path.split('{').length - 1,
  }));
  return (req, res, next) => {
    const matches = served.filter((route) => route.pattern.test(req.path));
    if (matches.length === 0) return next();
    const mostConcrete = Math.min(...matches.map((route) => route.parameters));
    const allowed = new Set(matches.filter((route) => route.parameters === mostConcrete).map((route) => route.method));
    if (allowed.has('GET')) allowed.add('HEAD');
    if (allowed.has(req.method)) return next();
    const allow = METHOD_ORDER.filter((method) => allowed.has(method) || method === 'OPTIONS').join(', ');
    res.setHeader('Allow', allow);
    if (req.method === 'OPTIONS') return void res.status(204).end();
    sendProblem(res, 405, 'method_not_allowed', `${req.path} serves ${allow}, not ${req.method}`);
  };
}
