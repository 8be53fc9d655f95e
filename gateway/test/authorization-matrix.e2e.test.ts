import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { Client } from 'pg';
import { can, canSeeRecord, customerScopeOf, principalFromClaims, rolePermissions, type Action, type Module } from '@liaison/auth';
import { stack, userToken } from '@liaison/testkit';
import { startPlatform, type Platform } from './platform';

// Walks gateway/authorization-matrix.json against the running platform: every endpoint the
// gateway serves, as every demo user, on fixtures inside and outside each user's data scope
// (OWASP API1 broken object level and API5 broken function level authorization). The matrix is
// the reviewed expectation; this file only knows how to build a valid request per endpoint, so
// that authorization alone decides the answer.

const DATABASE = 'customer_authz';
const MATRIX_FILE = path.join(__dirname, '../authorization-matrix.json');
const THIS_FILE = path.basename(__filename);
// Fixtures and created records carry the run's tag, because the database outlives the run.
const RUN = `授权矩阵 ${Date.now().toString(36)}`;

// ---------------------------------------------------------------------------------------------
// The matrix

type Outcome = 'allow' | 'deny' | 'not-found' | 'filtered';
const OUTCOMES: readonly Outcome[] = ['allow', 'deny', 'not-found', 'filtered'];

interface FixtureSpec {
  kind: 'customer';
  owner: string;
  sharedWith?: string[];
}

interface MatrixCase {
  fixture?: string;
  /** A named kind of request that the endpoint's recipe knows, e.g. a move only supervisors make. */
  variant?: string;
  /** Permissions the request needs beyond the route's, checked by the service inside the scope. */
  requires?: string[];
  /** The code of the 403 when a `requires` permission is missing (the route's own is `forbidden`). */
  denyCode?: string;
  expect: Record<string, Outcome>;
}

interface MatrixRow {
  permission: string;
  cases: MatrixCase[];
}

interface Matrix {
  users: Record<string, string[]>;
  fixtures: Record<string, FixtureSpec>;
  endpoints: Record<string, MatrixRow>;
}

// Read at load time so that jest can name one test per row.
const matrix = JSON.parse(fs.readFileSync(MATRIX_FILE, 'utf8')) as Matrix;
const users = Object.keys(matrix.users);
const endpoints = Object.keys(matrix.endpoints);

function splitPermission(permission: string): [Module, Action] {
  const [module, action] = permission.split(':');
  return [module as Module, action as Action];
}

const hasPermission = (user: string, permission: string) => can({ roles: matrix.users[user] ?? [] }, ...splitPermission(permission));

function caseName(endpoint: string, matrixCase: MatrixCase): string {
  return `${endpoint}${matrixCase.variant ? ` (${matrixCase.variant})` : ''}${matrixCase.fixture ? ` on ${matrixCase.fixture}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// The platform, tokens and fixtures

interface Fixture {
  key: string;
  id: string;
  name: string;
  ownerId: string;
  ownerUnit: string | null;
  sharedWith: string[];
}

let platform: Platform;
const tokens = new Map<string, string>();
const fixtures = new Map<string, Fixture>();

beforeAll(async () => {
  [platform] = await Promise.all([startPlatform(DATABASE), fetchTokens()]);
  for (const [key, spec] of Object.entries(matrix.fixtures)) fixtures.set(key, await createFixture(key, spec));
});

afterAll(async () => {
  await platform?.stop();
});

// One token per user for the whole walk: Keycloak is the slowest part otherwise.
async function fetchTokens(): Promise<void> {
  const fetched = await Promise.all(users.map(async (user) => [user, await userToken(user)] as const));
  for (const [user, token] of fetched) tokens.set(user, token);
}

function tokenOf(user: string): string {
  const token = tokens.get(user);
  if (!token) throw new Error(`no token for ${user}: is the user listed under users in the matrix?`);
  return token;
}

async function createFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const name = `${RUN} ${key}`;
  const created = await send({ method: 'POST', path: '/customers', body: { name, kind: 'company' } }, tokenOf(spec.owner));
  if (created.status !== 201) throw new Error(`fixture ${key}: create as ${spec.owner} answered ${created.status} ${created.text}`);
  const customer = created.body as { id: string; ownerId: string; ownerUnit: string | null };
  const sharedWith = spec.sharedWith ?? [];
  if (sharedWith.length > 0) await shareCustomer(customer.id, sharedWith);
  return { key, id: customer.id, name, ownerId: customer.ownerId, ownerUnit: customer.ownerUnit, sharedWith };
}

// No endpoint shares a customer yet, so the share goes straight into the service's table.
async function shareCustomer(customerId: string, units: string[]): Promise<void> {
  const db = new Client({ connectionString: stack.postgresUrl(DATABASE) });
  await db.connect();
  try {
    for (const unit of units) await db.query('INSERT INTO customer_shares (customer_id, unit) VALUES ($1, $2)', [customerId, unit]);
  } finally {
    await db.end();
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Reply {
  status: number;
  code: string | undefined;
  etag: string | null;
  text: string;
  body: unknown;
}

async function send(request: ApiRequest, token?: string): Promise<Reply> {
  const headers: Record<string, string> = { ...request.headers };
  if (token) headers.authorization = `Bearer ${token}`;
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${platform.baseUrl}${request.path}`, {
    method: request.method,
    headers,
    body: request.body === undefined ? undefined : JSON.stringify(request.body),
  });
  const text = await response.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  const code = (body as { code?: unknown } | undefined)?.code;
  return { status: response.status, code: typeof code === 'string' ? code : undefined, etag: response.headers.get('etag'), text, body };
}

const asAdmin = (request: ApiRequest) => send(request, tokenOf('admin'));

// ---------------------------------------------------------------------------------------------
// Request recipes: how to ask each endpoint something valid. A matrix row needs one here.

interface Probe {
  user: string;
  fixture?: Fixture;
  variant?: string;
}

interface PreparedRequest extends ApiRequest {
  /** For writes: after a refusal, says what changed anyway (undefined when nothing did). */
  changedSince?: () => Promise<string | undefined>;
}

interface Recipe {
  /** A collection read: `allow` means the fixture is listed, `filtered` that it is not. */
  collection?: boolean;
  /** Writes to one fixture go one user at a time, so that each sees the version it read. */
  serial?: boolean;
  /** The case variants this recipe can build, besides the plain request. */
  variants?: string[];
  prepare: (probe: Probe) => Promise<PreparedRequest>;
}

function fixtureOf(probe: Probe): Fixture {
  if (!probe.fixture) throw new Error('this endpoint needs a fixture: name one in the matrix case');
  return probe.fixture;
}

async function readAsAdmin(fixture: Fixture): Promise<Reply> {
  const reply = await asAdmin({ method: 'GET', path: `/customers/${fixture.id}` });
  if (reply.status !== 200) throw new Error(`admin cannot read fixture ${fixture.key}: ${reply.status} ${reply.text}`);
  return reply;
}

/** Names the fields that differ between two reads of one record; undefined when none do. */
function describeChanges(before: unknown, after: unknown): string | undefined {
  const [was, now] = [before as Record<string, unknown>, after as Record<string, unknown>];
  const changed = Object.keys({ ...was, ...now })
    .filter((field) => JSON.stringify(was[field]) !== JSON.stringify(now[field]))
    .map((field) => `${field} ${JSON.stringify(was[field])} → ${JSON.stringify(now[field])}`);
  return changed.length > 0 ? changed.join(', ') : undefined;
}

const changesTo = (fixture: Fixture, before: Reply) => async () => describeChanges(before.body, (await readAsAdmin(fixture)).body);

// One move between working categories per starting point, open to whoever may update the customer.
const WORKING_MOVE: Record<string, string> = { potential: 'intentional', intentional: 'potential', key: 'intentional', shelved: 'potential' };

const categoryOf = (reply: Reply) => (reply.body as { category: string }).category;

/** A fresh read as admin, the customer first brought back from invalid so that every move is legal. */
async function readyForMove(fixture: Fixture): Promise<Reply> {
  const current = await readAsAdmin(fixture);
  if (categoryOf(current) !== 'invalid') return current;
  const reset = await asAdmin({
    method: 'POST',
    path: `/customers/${fixture.id}/category`,
    headers: { 'if-match': current.etag ?? '' },
    body: { category: 'potential', reason: 'reset by the authorization matrix test' },
  });
  if (reset.status !== 200) throw new Error(`cannot bring ${fixture.key} back from invalid: ${reset.status} ${reset.text}`);
  return readAsAdmin(fixture);
}

function moveTarget(from: string, variant: string | undefined): string {
  if (variant === 'to-invalid') return 'invalid';
  const target = WORKING_MOVE[from];
  if (!target) throw new Error(`no working move from ${from}`);
  return target;
}

const recipes: Record<string, Recipe> = {
  'POST /customers': {
    async prepare({ user }) {
      const name = `${RUN} created by ${user}`;
      return {
        method: 'POST',
        path: '/customers',
        body: { name, kind: 'company', industry: 'authorization probe' },
        changedSince: async () => {
          const found = await asAdmin({ method: 'GET', path: `/customers?q=${encodeURIComponent(name)}` });
          const count = (found.body as { items: unknown[] }).items.length;
          return count > 0 ? `${count} customer(s) named "${name}" exist` : undefined;
        },
      };
    },
  },
  'GET /customers': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/customers?q=${encodeURIComponent(fixtureOf(probe).name)}` };
    },
  },
  'GET /customers/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).id}` };
    },
  },
  'PATCH /customers/{id}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      // A fresh read right before, so that a version conflict never hides the decision.
      const before = await readAsAdmin(fixture);
      return {
        method: 'PATCH',
        path: `/customers/${fixture.id}`,
        headers: { 'if-match': before.etag ?? '' },
        body: { starRating: ((before.body as { starRating: number }).starRating % 5) + 1, industry: `probe by ${probe.user}` },
        changedSince: changesTo(fixture, before),
      };
    },
  },
  'POST /customers/{id}/category': {
    serial: true,
    variants: ['to-invalid'],
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readyForMove(fixture);
      return {
        method: 'POST',
        path: `/customers/${fixture.id}/category`,
        headers: { 'if-match': before.etag ?? '' },
        body: { category: moveTarget(categoryOf(before), probe.variant), reason: `probe by ${probe.user}` },
        changedSince: changesTo(fixture, before),
      };
    },
  },
};

function recipeOf(endpoint: string): Recipe {
  const recipe = recipes[endpoint];
  if (!recipe) throw new Error(`no request recipe for "${endpoint}": add one to recipes in ${THIS_FILE}`);
  return recipe;
}

// ---------------------------------------------------------------------------------------------
// Judging one answer against the expected outcome

const isSuccess = (status: number) => status >= 200 && status < 300;

function describeReply(reply: Reply): string {
  return `${reply.status}${reply.code ? ` ${reply.code}` : ''}`;
}

interface Judged {
  expected: Outcome;
  reply: Reply;
  recipe: Recipe;
  matrixCase: MatrixCase;
  fixture: Fixture | undefined;
}

function verdict(judged: Judged): string | undefined {
  const statusProblem = statusVerdict(judged);
  if (statusProblem) return statusProblem;
  // Whatever else a refusal says, it must not disclose the record it refused.
  const { expected, reply, fixture } = judged;
  const leaks = fixture && expected !== 'allow' && reply.text.includes(fixture.name);
  return leaks ? `expected ${expected}, but the answer (${describeReply(reply)}) shows the fixture's name` : undefined;
}

function statusVerdict({ expected, reply, recipe, matrixCase, fixture }: Judged): string | undefined {
  const got = describeReply(reply);
  switch (expected) {
    case 'allow':
      if (!isSuccess(reply.status)) return `expected allow (2xx), got ${got}`;
      if (recipe.collection && fixture && !reply.text.includes(fixture.id)) return 'expected allow with the fixture listed, but it is missing';
      return undefined;
    case 'filtered':
      if (!recipe.collection) return '"filtered" applies to collection reads only; use not-found';
      if (!isSuccess(reply.status)) return `expected filtered (2xx without the fixture), got ${got}`;
      return fixture && reply.text.includes(fixture.id) ? 'expected filtered, but the fixture is listed' : undefined;
    case 'deny': {
      const codes = ['forbidden', ...(matrixCase.denyCode ? [matrixCase.denyCode] : [])];
      return reply.status === 403 && codes.includes(reply.code ?? '') ? undefined : `expected deny (403 ${codes.join(' or ')}), got ${got}`;
    }
    case 'not-found':
      return reply.status === 404 && reply.code === 'not_found' ? undefined : `expected not-found (404 not_found), got ${got}`;
    default:
      // A missing or misspelt cell must fail here too, not pass unnoticed.
      return `no known outcome (${String(expected)})`;
  }
}

async function runProbe(endpoint: string, matrixCase: MatrixCase, user: string): Promise<string[]> {
  const recipe = recipeOf(endpoint);
  const fixture = matrixCase.fixture ? fixtures.get(matrixCase.fixture) : undefined;
  const request = await recipe.prepare({ user, fixture, variant: matrixCase.variant });
  const reply = await send(request, tokenOf(user));
  const where = `${caseName(endpoint, matrixCase)} as ${user}`;
  const failures: string[] = [];
  const problem = verdict({ expected: matrixCase.expect[user], reply, recipe, matrixCase, fixture });
  if (problem) failures.push(`${where}: ${problem}`);
  const change = isSuccess(reply.status) ? undefined : await request.changedSince?.();
  if (change) failures.push(`${where}: refused with ${describeReply(reply)} but wrote anyway: ${change}`);
  return failures;
}

async function inSeries<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}

async function walkCase(endpoint: string, matrixCase: MatrixCase): Promise<string[]> {
  const probe = (user: string) => runProbe(endpoint, matrixCase, user);
  const results = recipeOf(endpoint).serial ? await inSeries(users, probe) : await Promise.all(users.map(probe));
  return results.flat();
}

// Reads go all at once; writes to one fixture one case after the other, fixtures side by side.
async function walkEndpoint(endpoint: string): Promise<string[]> {
  const cases = matrix.endpoints[endpoint].cases;
  const walk = (matrixCase: MatrixCase) => walkCase(endpoint, matrixCase);
  if (!recipeOf(endpoint).serial) return (await Promise.all(cases.map(walk))).flat();
  const fixtureKeys = [...new Set(cases.map((matrixCase) => matrixCase.fixture))];
  const groups = fixtureKeys.map((key) => cases.filter((matrixCase) => matrixCase.fixture === key));
  const results = await Promise.all(groups.map((group) => inSeries(group, walk)));
  return results.flat(2);
}

async function probeWithoutToken(endpoint: string): Promise<string | undefined> {
  if (!(endpoint in recipes)) return `${endpoint}: no request recipe, so not probed without a token`;
  const [first] = matrix.endpoints[endpoint].cases;
  const fixture = first?.fixture ? fixtures.get(first.fixture) : undefined;
  const request = await recipeOf(endpoint).prepare({ user: 'anonymous', fixture, variant: first?.variant });
  const reply = await send(request);
  if (reply.status !== 401 || reply.code !== 'token_missing') return `${endpoint} without a token: expected 401 token_missing, got ${describeReply(reply)}`;
  const change = await request.changedSince?.();
  return change ? `${endpoint} without a token: refused but wrote anyway: ${change}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// The gateway's own account of its operations

interface Operation {
  endpoint: string;
  permission: string | undefined;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

async function servedOperations(): Promise<Operation[]> {
  const response = await fetch(`${platform.baseUrl}/openapi.json`);
  const doc = (await response.json()) as { paths: Record<string, Record<string, { 'x-permission'?: string }>> };
  return Object.entries(doc.paths).flatMap(([apiPath, operations]) =>
    Object.entries(operations)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, operation]) => ({ endpoint: `${method.toUpperCase()} ${apiPath}`, permission: operation['x-permission'] })),
  );
}

// ---------------------------------------------------------------------------------------------
// Cross-checks of the matrix against libs/auth, cell by cell

interface Cell {
  endpoint: string;
  matrixCase: MatrixCase;
  user: string;
  outcome: Outcome;
}

function cells(): Cell[] {
  return Object.entries(matrix.endpoints).flatMap(([endpoint, row]) =>
    row.cases.flatMap((matrixCase) => Object.entries(matrixCase.expect).map(([user, outcome]) => ({ endpoint, matrixCase, user, outcome }))),
  );
}

const cellName = (cell: Cell) => `${caseName(cell.endpoint, cell.matrixCase)} as ${cell.user}`;

// The gateway checks the route's permission before anything else, the service then the scope,
// and last any further permission of the case; the matrix must follow that order.
function permissionProblem(cell: Cell): string | undefined {
  const routePermission = matrix.endpoints[cell.endpoint].permission;
  const requires = cell.matrixCase.requires ?? [];
  const roles = `roles [${matrix.users[cell.user]}]`;
  if (!hasPermission(cell.user, routePermission)) {
    return cell.outcome === 'deny' ? undefined : `the matrix says ${cell.outcome}, but ${roles} lack ${routePermission}`;
  }
  const missing = requires.filter((permission) => !hasPermission(cell.user, permission));
  if (missing.length === 0 && cell.outcome === 'deny') return `the matrix says deny, but ${roles} have ${[routePermission, ...requires].join(' and ')}`;
  if (missing.length > 0 && cell.outcome === 'allow') return `the matrix says allow, but ${roles} lack ${missing.join(' and ')}`;
  return undefined;
}

// Only for callers past the route's permission: inside the scope allow (or deny for a missing
// further permission), outside not-found or filtered.
function scopeProblem(cell: Cell): string | undefined {
  const fixtureKey = cell.matrixCase.fixture;
  if (!fixtureKey || matrix.fixtures[fixtureKey]?.kind !== 'customer') return undefined;
  if (!hasPermission(cell.user, matrix.endpoints[cell.endpoint].permission)) return undefined;
  const fixture = fixtures.get(fixtureKey)!;
  const scope = customerScopeOf(principalFromClaims(decodeJwt(tokenOf(cell.user)), tokenOf(cell.user)));
  const visible = canSeeRecord(scope, { ownerId: fixture.ownerId, ownerUnit: fixture.ownerUnit, sharedWithUnits: fixture.sharedWith });
  const fits = visible ? ['allow', 'deny'] : ['not-found', 'filtered'];
  if (fits.includes(cell.outcome)) return undefined;
  return `the matrix says ${cell.outcome}, but scope ${scope.kind} ${visible ? 'covers' : 'excludes'} the record`;
}

function caseProblems(endpoint: string, matrixCase: MatrixCase): string[] {
  const where = caseName(endpoint, matrixCase);
  const named = Object.keys(matrixCase.expect);
  const knownVariants = recipes[endpoint]?.variants ?? [];
  return [
    ...users.filter((user) => !named.includes(user)).map((user) => `${where}: no outcome for ${user}`),
    ...named.filter((user) => !users.includes(user)).map((user) => `${where}: ${user} is not a listed user`),
    ...Object.entries(matrixCase.expect).filter(([, outcome]) => !OUTCOMES.includes(outcome)).map(([user, outcome]) => `${where} as ${user}: unknown outcome "${outcome}"`),
    ...(matrixCase.fixture && !(matrixCase.fixture in matrix.fixtures) ? [`${where}: no such fixture`] : []),
    ...(matrixCase.variant && !knownVariants.includes(matrixCase.variant) ? [`${where}: the recipe knows no variant "${matrixCase.variant}"`] : []),
  ];
}

// ---------------------------------------------------------------------------------------------

describe('the authorization matrix', () => {
  it('is well formed: every case names every user, a known outcome, fixture and variant; every row has a recipe', () => {
    const problems = Object.entries(matrix.endpoints).flatMap(([endpoint, row]) => [
      ...(row.cases.length === 0 ? [`${endpoint}: no cases`] : []),
      ...(endpoint in recipes ? [] : [`${endpoint}: no request recipe in ${THIS_FILE}`]),
      ...row.cases.flatMap((matrixCase) => caseProblems(endpoint, matrixCase)),
    ]);
    expect(problems).toEqual([]);
  });

  it('has a row for every operation the gateway serves, and none for an operation it does not', async () => {
    const served = (await servedOperations()).map((operation) => operation.endpoint);
    const missingRows = served.filter((endpoint) => !endpoints.includes(endpoint));
    const rowsForUnservedOperations = endpoints.filter((endpoint) => !served.includes(endpoint));
    expect({ missingRows, rowsForUnservedOperations }).toEqual({ missingRows: [], rowsForUnservedOperations: [] });
  });

  it('names the permission each route declares (x-permission)', async () => {
    const declared = new Map((await servedOperations()).map((operation) => [operation.endpoint, operation.permission]));
    const problems = Object.entries(matrix.endpoints)
      .filter(([endpoint, row]) => declared.has(endpoint) && declared.get(endpoint) !== row.permission)
      .map(([endpoint, row]) => `${endpoint}: the matrix says ${row.permission}, the route declares ${declared.get(endpoint)}`);
    expect(problems).toEqual([]);
  });

  it('lists the roles each demo user really has in Keycloak', () => {
    const knownRoles = new Set(Object.keys(rolePermissions));
    const problems = users.flatMap((user) => {
      const actual = principalFromClaims(decodeJwt(tokenOf(user)), tokenOf(user)).roles.filter((role) => knownRoles.has(role)).sort();
      const listed = [...matrix.users[user]].sort();
      return actual.join(',') === listed.join(',') ? [] : [`${user}: the matrix lists roles [${listed}], the token has [${actual}]`];
    });
    expect(problems).toEqual([]);
  });

  it('agrees with the permission table of libs/auth: deny exactly where the roles lack a needed permission', () => {
    const problems = cells().flatMap((cell) => {
      const problem = permissionProblem(cell);
      return problem ? [`${cellName(cell)}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('agrees with the customer data scopes of libs/auth: not-found and filtered exactly outside the scope', () => {
    const problems = cells().flatMap((cell) => {
      const problem = scopeProblem(cell);
      return problem ? [`${cellName(cell)}: ${problem}`] : [];
    });
    expect(problems).toEqual([]);
  });

  it('refuses every endpoint without a token (401 token_missing), writing nothing', async () => {
    const problems = await Promise.all(endpoints.map(probeWithoutToken));
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it.each(endpoints)('holds for %s as every user', async (endpoint) => {
    expect(await walkEndpoint(endpoint)).toEqual([]);
  });
});
