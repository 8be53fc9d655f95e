import { userToken } from '@liaison/testkit';
import { startPlatform, type Platform } from '../platform';
import type { FixtureSpec } from './matrix';

// What the walker and every service's recipes share while a matrix runs: the platform, one token
// per demo user, the fixtures made for the run, and how to ask the gateway something. Jest loads
// this module once per test file, so each file has its own platform, tokens and fixtures.

// Fixtures and created records carry the run's tag, because the database outlives the run.
export const RUN = `授权矩阵 ${Date.now().toString(36)}`;

// ---------------------------------------------------------------------------------------------
// The platform and tokens

let platform: Platform | undefined;
const tokens = new Map<string, string>();

/** Starts the platform on its own database and fetches every user's token meanwhile. */
export async function startWalk(database: string, users: string[]): Promise<void> {
  [platform] = await Promise.all([startPlatform(database), fetchTokens(users)]);
}

export async function stopWalk(): Promise<void> {
  await platform?.stop();
}

function baseUrl(): string {
  if (!platform) throw new Error('the platform is not running: start the walk first');
  return platform.baseUrl;
}

// One token per user for the whole walk: Keycloak is the slowest part otherwise.
async function fetchTokens(users: string[]): Promise<void> {
  const fetched = await Promise.all(users.map(async (user) => [user, await userToken(user)] as const));
  for (const [user, token] of fetched) tokens.set(user, token);
}

export function tokenOf(user: string): string {
  const token = tokens.get(user);
  if (!token) throw new Error(`no token for ${user}: is the user listed under users in shared.json?`);
  return token;
}

// ---------------------------------------------------------------------------------------------
// HTTP

export interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  /** A text body (the CSV import) instead of JSON. */
  text?: { body: string; contentType: string };
  headers?: Record<string, string>;
}

export interface Reply {
  status: number;
  code: string | undefined;
  etag: string | null;
  text: string;
  body: unknown;
}

export async function send(request: ApiRequest, token?: string): Promise<Reply> {
  const headers: Record<string, string> = { ...request.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.text) headers['content-type'] = request.text.contentType;
  const response = await fetch(`${baseUrl()}${request.path}`, {
    method: request.method,
    headers,
    body: request.text?.body ?? (request.body === undefined ? undefined : JSON.stringify(request.body)),
  });
  const text = await response.text();
  // Downloads (CSV, XLSX) are not JSON; problems and everything else are.
  const body: unknown = text && /json/.test(response.headers.get('content-type') ?? 'json') ? JSON.parse(text) : undefined;
  const code = (body as { code?: unknown } | undefined)?.code;
  return { status: response.status, code: typeof code === 'string' ? code : undefined, etag: response.headers.get('etag'), text, body };
}

export const asAdmin = (request: ApiRequest) => send(request, tokenOf('admin'));

export const isSuccess = (status: number) => status >= 200 && status < 300;

export async function mustSucceed(what: string, reply: Promise<Reply>): Promise<void> {
  const answer = await reply;
  if (!isSuccess(answer.status)) throw new Error(`${what}: ${answer.status} ${answer.text}`);
}

/** Names the fields that differ between two reads of one record; undefined when none do. */
export function describeChanges(before: unknown, after: unknown): string | undefined {
  const [was, now] = [before as Record<string, unknown>, after as Record<string, unknown>];
  const changed = Object.keys({ ...was, ...now })
    .filter((field) => JSON.stringify(was[field]) !== JSON.stringify(now[field]))
    .map((field) => `${field} ${JSON.stringify(was[field])} → ${JSON.stringify(now[field])}`);
  return changed.length > 0 ? changed.join(', ') : undefined;
}

// ---------------------------------------------------------------------------------------------
// The gateway's own account of its operations

export interface Operation {
  endpoint: string;
  permission: string | undefined;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

/** Every operation that takes a caller's token: public ones (x-public, web forms) have no caller to authorise. */
export async function servedOperations(): Promise<Operation[]> {
  const response = await fetch(`${baseUrl()}/openapi.json`);
  const doc = (await response.json()) as { paths: Record<string, Record<string, { 'x-permission'?: string; 'x-public'?: boolean }>> };
  return Object.entries(doc.paths).flatMap(([apiPath, operations]) =>
    Object.entries(operations)
      .filter(([method, operation]) => HTTP_METHODS.has(method) && !operation['x-public'])
      .map(([method, operation]) => ({ endpoint: `${method.toUpperCase()} ${apiPath}`, permission: operation['x-permission'] })),
  );
}

// ---------------------------------------------------------------------------------------------
// Fixtures, and what a service's recipes give the walker

export interface Fixture {
  key: string;
  id: string;
  name: string;
  ownerId: string;
  ownerUnit: string | null;
  sharedWith: string[];
  /** The customer the record belongs to: its own id for a customer. */
  customerId: string;
}

export interface FixtureKind {
  /** Makes the record as the spec's owner, named after the run and the key so that leaks show. */
  create: (key: string, spec: FixtureSpec) => Promise<Fixture>;
  /**
   * The user's data scope and whether it covers the record. The walker then holds the matrix to
   * allow or deny inside the scope, not-found or filtered outside it; without it, it does not.
   */
  scope?: (user: string, fixture: Fixture) => { name: string; covers: boolean };
}

export interface Probe {
  user: string;
  fixture?: Fixture;
  variant?: string;
}

export interface PreparedRequest extends ApiRequest {
  /** For writes: after a refusal, says what changed anyway (undefined when nothing did). */
  changedSince?: () => Promise<string | undefined>;
}

/** How to ask one endpoint something valid, so that authorization alone decides the answer. */
export interface Recipe {
  /** A collection read: `allow` means the fixture is listed, `filtered` that it is not. */
  collection?: boolean;
  /** Writes to one fixture go one user at a time, so that each sees the version it read. */
  serial?: boolean;
  /** The case variants this recipe can build, besides the plain request. */
  variants?: string[];
  prepare: (probe: Probe) => Promise<PreparedRequest>;
}

/** What a service's recipes module exports for the walker. */
export interface ServiceRecipes {
  /** Every kind of fixture the service's matrix file names. */
  fixtureKinds: Record<string, FixtureKind>;
  /** One per row of the service's matrix file, keyed like the row. */
  recipes: Record<string, Recipe>;
}

const fixtures = new Map<string, Fixture>();
const fixtureSpecs = new Map<string, FixtureSpec>();

/** Makes the fixtures in the order listed, so that one may name another listed before it. */
export async function createFixtures(specs: Record<string, FixtureSpec>, kinds: Record<string, FixtureKind>): Promise<void> {
  for (const [key, spec] of Object.entries(specs)) {
    const kind = kinds[spec.kind];
    if (!kind) throw new Error(`fixture ${key}: no fixture kind "${spec.kind}" among the recipes' fixtureKinds`);
    fixtureSpecs.set(key, spec);
    fixtures.set(key, await kind.create(key, spec));
  }
}

export const fixtureNamed = (key: string): Fixture | undefined => fixtures.get(key);

export function fixtureSpecOf(key: string): FixtureSpec {
  const spec = fixtureSpecs.get(key);
  if (!spec) throw new Error(`no fixture ${key} in the matrix file`);
  return spec;
}

export function fixtureOf(probe: Probe): Fixture {
  if (!probe.fixture) throw new Error('this endpoint needs a fixture: name one in the matrix case');
  return probe.fixture;
}
