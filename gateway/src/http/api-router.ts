import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Static, TSchema } from '@sinclair/typebox';
import { requirePermission, type Action, type Module, type Principal } from '@liaison/auth';
import { validate } from './validation';
import { principalOf, tokenOf } from './authenticate';
import { backendFor, type Backend } from './backend-call';
import type { FieldNames } from './field-names';
import { layerProblems } from './problem-responses';

// A route is declared once, with its schemas and permission; from that one declaration the
// router validates requests, checks the permission, serves the handler and writes the route's
// part of the OpenAPI document.

type Method = 'get' | 'post' | 'patch' | 'put' | 'delete';

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  headers?: Record<string, { description: string; schema: TSchema }>;
}

/** A handler's input: the validated request, the caller, and `call` to reach a service as the caller. */
export interface RouteInput<B extends TSchema, Q extends TSchema, P extends TSchema> extends Backend {
  body: Static<B>;
  query: Static<Q>;
  params: Static<P>;
  principal: Principal;
  req: Request;
  res: Response;
}

export interface TextBodySpec {
  mediaTypes: string[];
  /** Size limit in body-parser notation, e.g. "2mb". */
  limit: string;
  description: string;
}

/** A body the handler streams from `req` itself (large uploads), never buffered by the gateway. */
export type StreamBodySpec = Omit<TextBodySpec, 'limit'>;

export interface RouteSpec<B extends TSchema = TSchema, Q extends TSchema = TSchema, P extends TSchema = TSchema> {
  method: Method;
  /** OpenAPI-style path relative to the API base, e.g. /customers/{id}. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  /**
   * The permission the caller needs; for a public route (no login), the one the gateway's own
   * identity needs, as which it then calls the service.
   */
  permission: [Module, Action];
  /** Anyone may call it, without a token: rate limited per client address instead of per user. */
  public?: boolean;
  body?: B;
  /** A text body (e.g. CSV) instead of JSON, parsed by textBodies(); the handler reads req.body, a string. */
  textBody?: TextBodySpec;
  streamBody?: StreamBodySpec;
  query?: Q;
  params?: P;
  requestHeaders?: Record<string, { description: string; required?: boolean; schema: TSchema }>;
  /** Every answer the handler gives; the HTTP layer's own problems (400, 401, 403, 413, 415, 503, 504) are added. */
  responses: Record<number, ResponseSpec>;
  /** Where the JSON names of the request differ from the service's, beyond casing (see field-names.ts). */
  fieldNames?: FieldNames;
  handler: (input: RouteInput<B, Q, P>) => Promise<void>;
}

export class ApiRouter {
  readonly routes: RouteSpec[] = [];

  add<B extends TSchema, Q extends TSchema, P extends TSchema>(spec: RouteSpec<B, Q, P>): this {
    const responses = { ...layerProblems(spec), ...spec.responses };
    this.routes.push({ ...spec, responses } as unknown as RouteSpec);
    return this;
  }

  /** Builds the Express router; `before` gives each route the middleware that runs ahead of it (authentication first). */
  build(before: (spec: RouteSpec) => RequestHandler[]): Router {
    const router = Router();
    for (const spec of this.routes) {
      const expressPath = spec.path.replace(/\{(\w+)\}/g, ':$1');
      router[spec.method](expressPath, ...before(spec), async (req, res) => {
        const principal = principalOf(req);
        requirePermission(principal, ...spec.permission);
        await spec.handler({
          body: spec.body ? validate(spec.body, req.body ?? {}, 'body') : undefined,
          query: spec.query ? validate(spec.query, { ...req.query }, 'query') : undefined,
          params: spec.params ? validate(spec.params, { ...req.params }, 'path') : undefined,
          principal,
          ...backendFor(tokenOf(req), spec.fieldNames),
          req,
          res,
        } as RouteInput<TSchema, TSchema, TSchema>);
      });
    }
    return router;
  }
}
