import { can, type Action, type Module } from '@liaison/auth';
import {
  createFixtures,
  fixtureNamed,
  isSuccess,
  send,
  servedOperations,
  startWalk,
  stopWalk,
  tokenOf,
  type Fixture,
  type Recipe,
  type Reply,
  type ServiceRecipes,
} from './harness';
import { OUTCOMES, loadMatrix, matrixFileOf, type Matrix, type MatrixCase, type Outcome } from './matrix';

// Walks one service's authorization matrix against the running platform: every endpoint of the
// service, as every demo user, on fixtures inside and outside each user's data scope (OWASP API1
// broken object level and API5 broken function level authorization). The matrix files under
// gateway/authorization are the reviewed expectation (shared.json: the users, the format and the
// outcomes; <service>.json: the service's fixtures and rows); the service's recipes only know how
// to build a valid request per endpoint, so that authorization alone decides the answer.
//
// A service adds its matrix with three files of its own, editing none of the shared ones:
//   gateway/authorization/<service>.json               its fixtures and a row per endpoint it owns
//   gateway/test/authorization/<service>-recipes.ts    exports fixtureKinds (how to make each kind
//                                                      of fixture, and the data scope covering one)
//                                                      and recipes (one per row)
//   gateway/test/authorization/<service>.e2e.test.ts   describeServiceMatrix('<service>', { fixtureKinds, recipes })
// shared.e2e.test.ts finds the new file by listing the folder: it fails while an operation the
// gateway serves has no row or rows in two places, and while a matrix file has no recipes or
// test file. One test file per service, each with its own platform and database, so that the
// files can run side by side and one service's fixtures never meet another's.

interface ServiceMatrix extends ServiceRecipes {
  matrix: Matrix;
  users: string[];
  /** Where a missing recipe or fixture kind goes, for the messages. */
  recipesFile: string;
}

function splitPermission(permission: string): [Module, Action] {
  const [module, action] = permission.split(':');
  return [module as Module, action as Action];
}

const hasPermission = (matrix: Matrix, user: string, permission: string) =>
  can({ roles: matrix.users[user] ?? [] }, ...splitPermission(permission));

function caseName(endpoint: string, matrixCase: MatrixCase): string {
  return `${endpoint}${matrixCase.variant ? ` (${matrixCase.variant})` : ''}${matrixCase.fixture ? ` on ${matrixCase.fixture}` : ''}`;
}

function recipeOf(walk: ServiceMatrix, endpoint: string): Recipe {
  const recipe = walk.recipes[endpoint];
  if (!recipe) throw new Error(`no request recipe for "${endpoint}": add one to recipes in ${walk.recipesFile}`);
  return recipe;
}

// ---------------------------------------------------------------------------------------------
// Judging one answer against the expected outcome

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
      if (recipe.collection && fixture && !reply.text.includes(fixture.id))
        return 'expected allow with the fixture listed, but it is missing';
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

async function runProbe(walk: ServiceMatrix, endpoint: string, matrixCase: MatrixCase, user: string): Promise<string[]> {
  const recipe = recipeOf(walk, endpoint);
  const fixture = matrixCase.fixture ? fixtureNamed(matrixCase.fixture) : undefined;
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

async function walkCase(walk: ServiceMatrix, endpoint: string, matrixCase: MatrixCase): Promise<string[]> {
  const probe = (user: string) => runProbe(walk, endpoint, matrixCase, user);
  const results = recipeOf(walk, endpoint).serial ? await inSeries(walk.users, probe) : await Promise.all(walk.users.map(probe));
  return results.flat();
}

// Reads go all at once; writes to one fixture one case after the other, fixtures side by side.
async function walkEndpoint(walk: ServiceMatrix, endpoint: string): Promise<string[]> {
  const cases = walk.matrix.endpoints[endpoint].cases;
  const walkOne = (matrixCase: MatrixCase) => walkCase(walk, endpoint, matrixCase);
  if (!recipeOf(walk, endpoint).serial) return (await Promise.all(cases.map(walkOne))).flat();
  const fixtureKeys = [...new Set(cases.map((matrixCase) => matrixCase.fixture))];
  const groups = fixtureKeys.map((key) => cases.filter((matrixCase) => matrixCase.fixture === key));
  const results = await Promise.all(groups.map((group) => inSeries(group, walkOne)));
  return results.flat(2);
}

async function probeWithoutToken(walk: ServiceMatrix, endpoint: string): Promise<string | undefined> {
  if (!(endpoint in walk.recipes)) return `${endpoint}: no request recipe, so not probed without a token`;
  const [first] = walk.matrix.endpoints[endpoint].cases;
  const fixture = first?.fixture ? fixtureNamed(first.fixture) : undefined;
  const request = await recipeOf(walk, endpoint).prepare({ user: 'anonymous', fixture, variant: first?.variant });
  const reply = await send(request);
  if (reply.status !== 401 || reply.code !== 'token_missing')
    return `${endpoint} without a token: expected 401 token_missing, got ${describeReply(reply)}`;
  const change = await request.changedSince?.();
  return change ? `${endpoint} without a token: refused but wrote anyway: ${change}` : undefined;
}

// ---------------------------------------------------------------------------------------------
// Cross-checks of the matrix against libs/auth, cell by cell

interface Cell {
  endpoint: string;
  matrixCase: MatrixCase;
  user: string;
  outcome: Outcome;
}

function cells(matrix: Matrix): Cell[] {
  return Object.entries(matrix.endpoints).flatMap(([endpoint, row]) =>
    row.cases.flatMap((matrixCase) =>
      Object.entries(matrixCase.expect).map(([user, outcome]) => ({ endpoint, matrixCase, user, outcome })),
    ),
  );
}

const cellName = (cell: Cell) => `${caseName(cell.endpoint, cell.matrixCase)} as ${cell.user}`;

// The gateway checks the route's permission before anything else, the service then the scope,
// and last any further permission of the case; the matrix must follow that order.
function permissionProblem(matrix: Matrix, cell: Cell): string | undefined {
  const routePermission = matrix.endpoints[cell.endpoint].permission;
  const requires = cell.matrixCase.requires ?? [];
  const roles = `roles [${matrix.users[cell.user]}]`;
  if (!hasPermission(matrix, cell.user, routePermission)) {
    return cell.outcome === 'deny' ? undefined : `the matrix says ${cell.outcome}, but ${roles} lack ${routePermission}`;
  }
  const missing = requires.filter((permission) => !hasPermission(matrix, cell.user, permission));
  const notAuthor = cell.matrixCase.authorOnly === true && matrix.fixtures[cell.matrixCase.fixture ?? '']?.owner !== cell.user;
  const notDecider = cell.matrixCase.deciders !== undefined && !cell.matrixCase.deciders.includes(cell.user);
  if (missing.length === 0 && !notAuthor && !notDecider && cell.outcome === 'deny')
    return `the matrix says deny, but ${roles} have ${[routePermission, ...requires].join(' and ')}`;
  if (missing.length > 0 && cell.outcome === 'allow') return `the matrix says allow, but ${roles} lack ${missing.join(' and ')}`;
  if (notAuthor && cell.outcome === 'allow') return `the matrix says allow, but ${cell.user} is not the record's author`;
  if (notDecider && cell.outcome === 'allow') return `the matrix says allow, but ${cell.user} is not among the step's deciders`;
  return undefined;
}

// Only for fixtures of a kind with a data scope, and callers past the route's permission: inside
// the scope allow (or deny for a missing further permission), outside not-found or filtered.
function scopeProblem(walk: ServiceMatrix, cell: Cell): string | undefined {
  const fixtureKey = cell.matrixCase.fixture;
  const scopeOf = fixtureKey ? walk.fixtureKinds[walk.matrix.fixtures[fixtureKey]?.kind]?.scope : undefined;
  if (!fixtureKey || !scopeOf) return undefined;
  if (!hasPermission(walk.matrix, cell.user, walk.matrix.endpoints[cell.endpoint].permission)) return undefined;
  const scope = scopeOf(cell.user, fixtureNamed(fixtureKey)!);
  const fits = scope.covers ? ['allow', 'deny'] : ['not-found', 'filtered'];
  if (fits.includes(cell.outcome)) return undefined;
  return `the matrix says ${cell.outcome}, but scope ${scope.name} ${scope.covers ? 'covers' : 'excludes'} the record`;
}

function caseProblems(walk: ServiceMatrix, endpoint: string, matrixCase: MatrixCase): string[] {
  const where = caseName(endpoint, matrixCase);
  const named = Object.keys(matrixCase.expect);
  const knownVariants = walk.recipes[endpoint]?.variants ?? [];
  return [
    ...walk.users.filter((user) => !named.includes(user)).map((user) => `${where}: no outcome for ${user}`),
    ...named.filter((user) => !walk.users.includes(user)).map((user) => `${where}: ${user} is not a listed user`),
    ...Object.entries(matrixCase.expect)
      .filter(([, outcome]) => !OUTCOMES.includes(outcome))
      .map(([user, outcome]) => `${where} as ${user}: unknown outcome "${outcome}"`),
    ...(matrixCase.fixture && !(matrixCase.fixture in walk.matrix.fixtures) ? [`${where}: no such fixture`] : []),
    ...(matrixCase.variant && !knownVariants.includes(matrixCase.variant)
      ? [`${where}: the recipe knows no variant "${matrixCase.variant}"`]
      : []),
  ];
}

function rowProblems(walk: ServiceMatrix): string[] {
  return Object.entries(walk.matrix.endpoints).flatMap(([endpoint, row]) => [
    ...(row.cases.length === 0 ? [`${endpoint}: no cases`] : []),
    ...(endpoint in walk.recipes ? [] : [`${endpoint}: no request recipe in ${walk.recipesFile}`]),
    ...row.cases.flatMap((matrixCase) => caseProblems(walk, endpoint, matrixCase)),
  ]);
}

function fixtureKindProblems(walk: ServiceMatrix): string[] {
  return Object.entries(walk.matrix.fixtures)
    .filter(([, spec]) => !(spec.kind in walk.fixtureKinds))
    .map(([key, spec]) => `fixture ${key}: no fixture kind "${spec.kind}" in ${walk.recipesFile}`);
}

// ---------------------------------------------------------------------------------------------

// Each service's matrix on a database of its own, named after it (customer_authz for the customer's).
const databaseOf = (service: string) => `${service.replace(/[^a-z0-9]/g, '_')}_authz`;

/** The tests of one service's matrix: call it once from gateway/test/authorization/<service>.e2e.test.ts. */
export function describeServiceMatrix(service: string, { fixtureKinds, recipes }: ServiceRecipes): void {
  // Read at load time so that jest can name one test per row.
  const matrix = loadMatrix(service);
  const walk: ServiceMatrix = { matrix, users: Object.keys(matrix.users), fixtureKinds, recipes, recipesFile: `${service}-recipes.ts` };
  const endpoints = Object.keys(matrix.endpoints);

  beforeAll(async () => {
    await startWalk(databaseOf(service), walk.users);
    await createFixtures(matrix.fixtures, fixtureKinds);
  });

  afterAll(stopWalk);

  describe(`the authorization matrix of ${service} (${matrixFileOf(service)})`, () => {
    it('is well formed: every case names every user, a known outcome, fixture and variant; every row has a recipe', () => {
      expect([...fixtureKindProblems(walk), ...rowProblems(walk)]).toEqual([]);
    });

    it('names the permission each route declares (x-permission)', async () => {
      const declared = new Map((await servedOperations()).map((operation) => [operation.endpoint, operation.permission]));
      const problems = Object.entries(matrix.endpoints)
        .filter(([endpoint, row]) => declared.has(endpoint) && declared.get(endpoint) !== row.permission)
        .map(([endpoint, row]) => `${endpoint}: the matrix says ${row.permission}, the route declares ${declared.get(endpoint)}`);
      expect(problems).toEqual([]);
    });

    it('agrees with the permission table of libs/auth: deny exactly where the roles lack a needed permission', () => {
      const problems = cells(matrix).flatMap((cell) => {
        const problem = permissionProblem(matrix, cell);
        return problem ? [`${cellName(cell)}: ${problem}`] : [];
      });
      expect(problems).toEqual([]);
    });

    it('agrees with the data scopes of libs/auth: not-found and filtered exactly outside the scope', () => {
      const problems = cells(matrix).flatMap((cell) => {
        const problem = scopeProblem(walk, cell);
        return problem ? [`${cellName(cell)}: ${problem}`] : [];
      });
      expect(problems).toEqual([]);
    });

    it('refuses every endpoint without a token (401 token_missing), writing nothing', async () => {
      // One endpoint at a time: some recipes prepare state on fixtures that others' probes check.
      const problems: (string | undefined)[] = [];
      for (const endpoint of endpoints) problems.push(await probeWithoutToken(walk, endpoint));
      expect(problems.filter(Boolean)).toEqual([]);
    });

    it.each(endpoints)('holds for %s as every user', async (endpoint) => {
      expect(await walkEndpoint(walk, endpoint)).toEqual([]);
    });
  });
}
