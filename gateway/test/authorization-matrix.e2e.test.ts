import fs from 'node:fs';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { can, canSeeRecord, customerScopeOf, principalFromClaims, rolePermissions, type Action, type Module } from '@liaison/auth';
import { userToken } from '@liaison/testkit';
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
  kind:
    | 'customer'
    | 'contact'
    | 'invalid-application'
    | 'pool-customer'
    | 'pending-customer'
    | 'customer-import'
    | 'customer-alert'
    | 'handover';
  owner: string;
  sharedWith?: string[];
  /** For a contact: the key of its customer's fixture, listed before it. */
  customer?: string;
}

interface MatrixCase {
  fixture?: string;
  /** A named kind of request that the endpoint's recipe knows, e.g. a move only supervisors make. */
  variant?: string;
  /** Permissions the request needs beyond the route's, checked by the service inside the scope. */
  requires?: string[];
  /** The code of the 403 when a `requires` permission is missing (the route's own is `forbidden`). */
  denyCode?: string;
  /**
   * Only the record's author may do this (the recipes record it as the fixture's owner): anyone
   * else inside the scope with every permission is denied with denyCode.
   */
  authorOnly?: boolean;
  /** The users the approval step names as its deciders; anyone else inside the scope with every permission is denied with denyCode. */
  deciders?: string[];
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
  /** The customer the record belongs to: its own id for a customer. */
  customerId: string;
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
  if (spec.kind === 'contact') return createContactFixture(key, spec);
  if (spec.kind === 'customer-import') return createImportFixture(key, spec);
  if (spec.kind === 'pool-customer') return createPoolFixture(key, spec);
  if (spec.kind === 'pending-customer') return createPendingFixture(key, spec);
  if (spec.kind === 'invalid-application') return createApplicationFixture(key, spec);
  if (spec.kind === 'handover') return createHandoverFixture(key, spec);
  if (spec.kind === 'customer-alert') return createAlertFixture(key, spec);
  const name = `${RUN} ${key}`;
  const created = await send({ method: 'POST', path: '/customers', body: { name, kind: 'company' } }, tokenOf(spec.owner));
  if (created.status !== 201) throw new Error(`fixture ${key}: create as ${spec.owner} answered ${created.status} ${created.text}`);
  const customer = created.body as { id: string; ownerId: string; ownerUnit: string | null };
  const sharedWith = spec.sharedWith ?? [];
  if (sharedWith.length > 0) await shareCustomer(customer.id, sharedWith);
  return { key, id: customer.id, name, ownerId: customer.ownerId, ownerUnit: customer.ownerUnit, sharedWith, customerId: customer.id };
}

// A contact is in scope exactly where its customer is, so it takes over the customer's owner and shares.
async function createContactFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = spec.customer ? fixtures.get(spec.customer) : undefined;
  if (!customer) throw new Error(`fixture ${key}: name a customer fixture listed before it`);
  const name = `${RUN} ${key}`;
  const created = await send({ method: 'POST', path: `/customers/${customer.id}/contacts`, body: { name } }, tokenOf(spec.owner));
  if (created.status !== 201) throw new Error(`fixture ${key}: create as ${spec.owner} answered ${created.status} ${created.text}`);
  return { ...customer, key, id: (created.body as { id: string }).id, name };
}

// An import job of one row, uploaded by its owner; its name is the file name.
async function createImportFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const name = `${RUN} ${key}.csv`;
  const created = await send(importRequest(name, `${RUN} ${key}`), tokenOf(spec.owner));
  if (created.status !== 202) throw new Error(`fixture ${key}: upload as ${spec.owner} answered ${created.status} ${created.text}`);
  const job = created.body as { id: string; createdBy: string };
  return { key, id: job.id, name, ownerId: job.createdBy, ownerUnit: null, sharedWith: [], customerId: '' };
}

function importRequest(fileName: string, customerName: string): ApiRequest {
  return {
    method: 'POST',
    path: `/customer-imports?fileName=${encodeURIComponent(fileName)}`,
    text: { body: `客户名称\r\n${customerName}\r\n`, contentType: 'text/csv' },
  };
}

// Through the sharing endpoint, as an administrator.
async function shareCustomer(customerId: string, units: string[]): Promise<void> {
  for (const unit of units) {
    const shared = await asAdmin({ method: 'POST', path: `/customers/${customerId}/shares`, body: { unit } });
    if (!isSuccess(shared.status)) throw new Error(`cannot share ${customerId} with ${unit}: ${shared.status} ${shared.text}`);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface ApiRequest {
  method: string;
  path: string;
  body?: unknown;
  /** A text body (the CSV import) instead of JSON. */
  text?: { body: string; contentType: string };
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
  if (request.text) headers['content-type'] = request.text.contentType;
  const response = await fetch(`${platform.baseUrl}${request.path}`, {
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
const WORKING_MOVE: Record<string, string> = {
  potential: 'intentional',
  intentional: 'potential',
  key: 'intentional',
  shelved: 'potential',
};

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

// Follow-up records hang off the customer fixtures and are recorded by the fixture's owner.
interface FollowUpFixture {
  id: string;
  occurredAt: string;
}

const ownerOf = (fixture: Fixture) => matrix.fixtures[fixture.key].owner;

async function recordFollowUp(fixture: Fixture, content: string, occurredAt?: string): Promise<FollowUpFixture> {
  const body = { method: 'visit', content, ...(occurredAt ? { occurredAt } : {}) };
  const reply = await send({ method: 'POST', path: `/customers/${fixture.id}/follow-ups`, body }, tokenOf(ownerOf(fixture)));
  if (reply.status !== 201) throw new Error(`follow-up on ${fixture.key}: ${reply.status} ${reply.text}`);
  return reply.body as FollowUpFixture;
}

// One record per fixture for the reads, the edit and the annotations, made on first use. Its
// occurrence time is its own to the millisecond, so a time-range query finds just that record.
const followUpFixtures = new Map<string, Promise<FollowUpFixture>>();

function followUpOf(fixture: Fixture): Promise<FollowUpFixture> {
  let followUp = followUpFixtures.get(fixture.key);
  if (!followUp) {
    const occurredAt = new Date(Date.now() - 3_600_000 - followUpFixtures.size).toISOString();
    followUp = recordFollowUp(fixture, `${RUN} follow-up of ${fixture.key}`, occurredAt);
    followUpFixtures.set(fixture.key, followUp);
  }
  return followUp;
}

const readFollowUpAsAdmin = (id: string) => asAdmin({ method: 'GET', path: `/follow-ups/${id}` });

// Contacts: the recipes aim at a contact fixture (or, to create, a customer fixture); deletions
// get a contact of their own, relations a second contact of the same customer.
const readContactAsAdmin = (id: string) => asAdmin({ method: 'GET', path: `/contacts/${id}` });

async function contactToDelete(fixture: Fixture, user: string): Promise<string> {
  const reply = await asAdmin({
    method: 'POST',
    path: `/customers/${fixture.customerId}/contacts`,
    body: { name: `${RUN} to be deleted by ${user}` },
  });
  if (reply.status !== 201) throw new Error(`contact to delete on ${fixture.key}: ${reply.status} ${reply.text}`);
  return (reply.body as { id: string }).id;
}

const relationPeers = new Map<string, Promise<string>>();

// One peer per endpoint, so that probes of setting and of removing never share a relation.
function relationPeerOf(fixture: Fixture, purpose: 'set' | 'remove'): Promise<string> {
  const key = `${fixture.key} ${purpose}`;
  let peer = relationPeers.get(key);
  if (!peer) {
    peer = asAdmin({
      method: 'POST',
      path: `/customers/${fixture.customerId}/contacts`,
      body: { name: `${RUN} ${purpose} peer of ${fixture.key}` },
    }).then((reply) => (reply.body as { id: string }).id);
    relationPeers.set(key, peer);
  }
  return peer;
}

async function relationAsAdmin(fixture: Fixture, peer: string): Promise<string | undefined> {
  const graph = await asAdmin({ method: 'GET', path: `/customers/${fixture.customerId}/contact-graph` });
  const edges = (graph.body as { edges: { from: string; to: string }[] }).edges;
  const edge = edges.find((candidate) => candidate.from === fixture.id && candidate.to === peer);
  return edge ? JSON.stringify(edge) : undefined;
}

const contactRecipes: Record<string, Recipe> = {
  'POST /customers/{customerId}/contacts': {
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const name = `${RUN} contact by ${probe.user}`;
      return {
        method: 'POST',
        path: `/customers/${fixture.customerId}/contacts`,
        body: { name, title: 'authorization probe' },
        changedSince: async () => {
          const found = await asAdmin({ method: 'GET', path: `/customers/${fixture.customerId}/contacts?q=${encodeURIComponent(name)}` });
          return (found.body as { items: unknown[] }).items.length > 0 ? `a contact "${name}" was created` : undefined;
        },
      };
    },
  },
  'GET /customers/{customerId}/contacts': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).customerId}/contacts` };
    },
  },
  'GET /customers/{customerId}/contact-graph': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).customerId}/contact-graph` };
    },
  },
  'GET /contacts/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/contacts/${fixtureOf(probe).id}` };
    },
  },
  'PATCH /contacts/{id}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readContactAsAdmin(fixture.id);
      return {
        method: 'PATCH',
        path: `/contacts/${fixture.id}`,
        headers: { 'if-match': before.etag ?? '' },
        body: { title: `probe by ${probe.user}` },
        changedSince: async () => describeChanges(before.body, (await readContactAsAdmin(fixture.id)).body),
      };
    },
  },
  'DELETE /contacts/{id}': {
    async prepare(probe) {
      const id = await contactToDelete(fixtureOf(probe), probe.user);
      return {
        method: 'DELETE',
        path: `/contacts/${id}`,
        headers: { 'if-match': '"1"' },
        changedSince: async () => ((await readContactAsAdmin(id)).status === 404 ? 'the contact was deleted' : undefined),
      };
    },
  },
  'PUT /contacts/{id}/relations/{toId}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const peer = await relationPeerOf(fixture, 'set');
      const before = await relationAsAdmin(fixture, peer);
      return {
        method: 'PUT',
        path: `/contacts/${fixture.id}/relations/${peer}`,
        body: { kind: 'influences', label: `probe by ${probe.user}` },
        changedSince: async () => {
          const after = await relationAsAdmin(fixture, peer);
          return after === before ? undefined : `relation ${before ?? 'none'} → ${after ?? 'none'}`;
        },
      };
    },
  },
  'DELETE /contacts/{id}/relations/{toId}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const peer = await relationPeerOf(fixture, 'remove');
      const put = await asAdmin({
        method: 'PUT',
        path: `/contacts/${fixture.id}/relations/${peer}`,
        body: { kind: 'other', label: 'to be removed' },
      });
      if (!isSuccess(put.status)) throw new Error(`relation on ${fixture.key}: ${put.status} ${put.text}`);
      return {
        method: 'DELETE',
        path: `/contacts/${fixture.id}/relations/${peer}`,
        changedSince: async () => ((await relationAsAdmin(fixture, peer)) ? undefined : 'the relation was removed'),
      };
    },
  },
};

// Invalid-customer applications: each fixture is a pending application by its owner on a customer
// of their own. A probe that ends it (approve, reject, withdraw) leaves the next probe a new one;
// probes of several endpoints may ask at once, so the applications of one fixture are made in turn.
const applicationTurns = new Map<string, Promise<unknown>>();

async function createApplicationFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createFixture(`${key} customer`, { kind: 'customer', owner: spec.owner });
  const fixture: Fixture = { ...customer, key };
  await applyForInvalid(fixture);
  return fixture;
}

async function applyForInvalid(fixture: Fixture): Promise<Reply> {
  const owner = matrix.fixtures[fixture.key]?.owner;
  const reply = await send(
    { method: 'POST', path: `/customers/${fixture.customerId}/invalid-applications`, body: { reason: `${RUN} 无效客户申请` } },
    tokenOf(owner),
  );
  if (reply.status !== 201) throw new Error(`application ${fixture.key}: ${reply.status} ${reply.text}`);
  fixture.id = (reply.body as { id: string }).id;
  return reply;
}

// A handover by admin of one customer of the owner to a made-up successor in the owner's unit.
async function createHandoverFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createFixture(`${key} customer`, { kind: 'customer', owner: spec.owner });
  const body = {
    fromUserId: customer.ownerId,
    customerIds: [customer.id],
    successors: [{ userId: PROBE_RECIPIENT, unit: customer.ownerUnit }],
    reason: `${RUN} 离职交接`,
  };
  const reply = await asAdmin({ method: 'POST', path: '/handovers', body });
  if (reply.status !== 201) throw new Error(`handover ${key}: ${reply.status} ${reply.text}`);
  return { ...customer, key, id: (reply.body as { id: string }).id };
}

const readApprovalAsAdmin = (id: string) => asAdmin({ method: 'GET', path: `/approvals/${id}` });

const isPending = (reply: Reply) => (reply.body as { status?: string }).status === 'pending';

function pendingApplication(fixture: Fixture): Promise<Reply> {
  const turn = (applicationTurns.get(fixture.key) ?? Promise.resolve())
    .catch(() => undefined)
    .then(async () => {
      const current = await readApprovalAsAdmin(fixture.id);
      if (isPending(current)) return current;
      await readyForMove({ ...fixture, id: fixture.customerId });
      return applyForInvalid(fixture);
    });
  applicationTurns.set(fixture.key, turn);
  return turn;
}

/** Ends whatever application is pending on a customer fixture, so that a new one may be made. */
async function closePendingApplications(customerId: string): Promise<void> {
  const listed = await asAdmin({ method: 'GET', path: `/approvals?status=pending&subjectType=customer&subjectId=${customerId}` });
  for (const approval of (listed.body as { items: { id: string; currentStep: number; requester: { name: string } }[] }).items) {
    const ownRequest = approval.requester.name === 'admin';
    const body = ownRequest ? {} : { step: approval.currentStep, comment: 'reset by the authorization matrix test' };
    const closed = await asAdmin({ method: 'POST', path: `/approvals/${approval.id}/${ownRequest ? 'withdraw' : 'reject'}`, body });
    if (!isSuccess(closed.status)) throw new Error(`cannot close application ${approval.id}: ${closed.status} ${closed.text}`);
  }
}

function decisionRecipe(action: 'approve' | 'reject' | 'withdraw'): Recipe {
  return {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await pendingApplication(fixture);
      const step = (before.body as { currentStep: number }).currentStep;
      const comment = `probe by ${probe.user}`;
      return {
        method: 'POST',
        path: `/approvals/${fixture.id}/${action}`,
        body: action === 'withdraw' ? { comment } : { step, comment },
        changedSince: async () => describeChanges(before.body, (await readApprovalAsAdmin(fixture.id)).body),
      };
    },
  };
}

const approvalRecipes: Record<string, Recipe> = {
  'POST /customers/{id}/invalid-applications': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      await readyForMove(fixture);
      await closePendingApplications(fixture.customerId);
      return {
        method: 'POST',
        path: `/customers/${fixture.customerId}/invalid-applications`,
        body: { reason: `probe by ${probe.user}` },
        changedSince: async () => {
          const pending = await asAdmin({
            method: 'GET',
            path: `/approvals?status=pending&subjectType=customer&subjectId=${fixture.customerId}`,
          });
          const count = (pending.body as { items: unknown[] }).items.length;
          return count > 0 ? `${count} application(s) pending` : undefined;
        },
      };
    },
  },
  'GET /approvals': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/approvals?subjectType=customer&subjectId=${fixtureOf(probe).customerId}` };
    },
  },
  'GET /approvals/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/approvals/${fixtureOf(probe).id}` };
    },
  },
  'POST /approvals/{id}/approve': decisionRecipe('approve'),
  'POST /approvals/{id}/reject': decisionRecipe('reject'),
  'POST /approvals/{id}/withdraw': decisionRecipe('withdraw'),
};

// Ownership (pool, assignment, transfer): every probe starts from the fixture's baseline, restored
// by admin: a pool fixture in the pool, any other owned by its owner (a pending one pending).
const HANDOVER_RESET = 'reset by the authorization matrix test';
const PROBE_RECIPIENT = 'authz-probe-user';

async function mustSucceed(what: string, reply: Promise<Reply>): Promise<void> {
  const answer = await reply;
  if (!isSuccess(answer.status)) throw new Error(`${what}: ${answer.status} ${answer.text}`);
}

async function createPoolFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createFixture(`${key} customer`, { kind: 'customer', owner: spec.owner });
  await mustSucceed(
    `fixture ${key}: release`,
    send({ method: 'POST', path: `/customers/${customer.id}/release`, body: { reason: HANDOVER_RESET } }, tokenOf(spec.owner)),
  );
  return { ...customer, key, name: `${RUN} ${key} customer`, ownerId: '', ownerUnit: null };
}

// Pending: it came back from the pool to its owner, who has not followed it up since.
async function createPendingFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createFixture(key, { kind: 'customer', owner: spec.owner });
  await mustSucceed(
    `fixture ${key}: release`,
    send({ method: 'POST', path: `/customers/${customer.id}/release`, body: { reason: HANDOVER_RESET } }, tokenOf(spec.owner)),
  );
  await restoreOwnership(customer, 'pending-customer');
  return customer;
}

async function restoreOwnership(fixture: Fixture, kind = matrix.fixtures[fixture.key]?.kind): Promise<Reply> {
  const ownerId = ((await readAsAdmin(fixture)).body as { ownerId: string | null }).ownerId;
  const home = {
    customerIds: [fixture.id],
    ...(kind === 'pool-customer' ? {} : { toOwnerId: fixture.ownerId, toOwnerUnit: fixture.ownerUnit }),
  };
  if (kind === 'pool-customer' && ownerId !== null) {
    await mustSucceed(
      `reset ${fixture.key}`,
      asAdmin({ method: 'POST', path: `/customers/${fixture.id}/release`, body: { reason: HANDOVER_RESET } }),
    );
  } else if (kind !== 'pool-customer' && ownerId === null) {
    await mustSucceed(
      `reset ${fixture.key}`,
      asAdmin({
        method: 'POST',
        path: '/customers/assign',
        body: { customerIds: home.customerIds, assigneeId: fixture.ownerId, assigneeUnit: fixture.ownerUnit },
      }),
    );
  } else if (kind !== 'pool-customer' && ownerId !== fixture.ownerId) {
    await mustSucceed(
      `reset ${fixture.key}`,
      asAdmin({ method: 'POST', path: '/customers/transfer', body: { ...home, reason: HANDOVER_RESET } }),
    );
  }
  return readAsAdmin(fixture);
}

// A unit the prober manages, so that only the permission and the customer's scope decide.
const unitFor = (user: string) => (user === 'manager.west' ? '/Sales/West' : '/Sales/East');

function handoverRecipe(path: string, body: (probe: Probe, fixture: Fixture) => Record<string, unknown>): Recipe {
  return {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await restoreOwnership(fixture);
      return {
        method: 'POST',
        path: path.replace('{id}', fixture.id),
        body: body(probe, fixture),
        changedSince: changesTo(fixture, before),
      };
    },
  };
}

const readOwnershipRecipe = (path: (fixture: Fixture) => string, collection = false): Recipe => ({
  serial: true,
  collection,
  async prepare(probe) {
    const fixture = fixtureOf(probe);
    await restoreOwnership(fixture);
    return { method: 'GET', path: path(fixture) };
  },
});

async function readRuleAsAdmin(): Promise<Reply> {
  const reply = await asAdmin({ method: 'GET', path: '/settings/pool-rule' });
  if (reply.status !== 200) throw new Error(`admin cannot read the pool rule: ${reply.status} ${reply.text}`);
  return reply;
}

const assignmentRecipes: Record<string, Recipe> = {
  'GET /pool/customers': readOwnershipRecipe((fixture) => `/pool/customers?q=${encodeURIComponent(fixture.name)}`, true),
  'POST /pool/customers/{id}/claim': handoverRecipe('/pool/customers/{id}/claim', () => ({})),
  'POST /customers/{id}/release': handoverRecipe('/customers/{id}/release', ({ user }) => ({ reason: `probe by ${user}` })),
  'POST /customers/assign': handoverRecipe('/customers/assign', ({ user }, fixture) => ({
    customerIds: [fixture.id],
    assigneeId: PROBE_RECIPIENT,
    assigneeUnit: unitFor(user),
    reason: `probe by ${user}`,
  })),
  'POST /customers/followers': handoverRecipe('/customers/followers', ({ user }, fixture) => ({
    customerIds: [fixture.id],
    followerId: `${PROBE_RECIPIENT}-${user}`,
    followerUnit: unitFor(user),
  })),
  'POST /customers/transfer': handoverRecipe('/customers/transfer', ({ user }, fixture) => ({
    customerIds: [fixture.id],
    toOwnerId: PROBE_RECIPIENT,
    toOwnerUnit: unitFor(user),
    reason: `probe by ${user}`,
  })),
  'GET /pending-customers': readOwnershipRecipe(() => '/pending-customers?pageSize=200', true),
  'GET /customers/{id}/ownership-history': readOwnershipRecipe((fixture) => `/customers/${fixture.id}/ownership-history`),
  'GET /settings/pool-rule': {
    async prepare() {
      return { method: 'GET', path: '/settings/pool-rule' };
    },
  },
  'PUT /settings/pool-rule': {
    serial: true,
    async prepare({ user }) {
      // The rule stays off: on, it would return the fixtures of the other rows to the pool.
      const before = await readRuleAsAdmin();
      const { daysWithoutContact } = before.body as { daysWithoutContact: number };
      return {
        method: 'PUT',
        path: '/settings/pool-rule',
        headers: { 'if-match': before.etag ?? '' },
        body: {
          enabled: false,
          daysWithoutContact: (daysWithoutContact % 90) + 1,
          excludedCategories: ['deal', ...(user === 'admin' ? [] : ['key'])],
        },
        changedSince: async () => describeChanges(before.body, (await readRuleAsAdmin()).body),
      };
    },
  },
  'POST /settings/pool-rule/run': {
    async prepare() {
      return { method: 'POST', path: '/settings/pool-rule/run', body: {} };
    },
  },
  'GET /settings/transfer-approval': {
    async prepare() {
      return { method: 'GET', path: '/settings/transfer-approval' };
    },
  },
  'PUT /settings/transfer-approval': {
    serial: true,
    async prepare() {
      // Approval stays off: on, the transfer rows would open approvals instead of moving.
      const before = await asAdmin({ method: 'GET', path: '/settings/transfer-approval' });
      return {
        method: 'PUT',
        path: '/settings/transfer-approval',
        headers: { 'if-match': before.etag ?? '' },
        body: { approvalRequired: false },
      };
    },
  },
  'POST /handovers': handoverRecipe('/handovers', ({ user }, fixture) => ({
    fromUserId: fixture.ownerId,
    customerIds: [fixture.id],
    successors: [{ userId: PROBE_RECIPIENT, unit: unitFor(user) }],
    reason: `probe by ${user}`,
  })),
  'GET /handovers': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/handovers?pageSize=200&fromUserId=${encodeURIComponent(fixtureOf(probe).ownerId)}` };
    },
  },
  'GET /handovers/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/handovers/${fixtureOf(probe).id}` };
    },
  },
};

// Warnings and care (CUS-12/13). An alert fixture is the care reminder of a contact whose
// birthday is today, on a customer fixture of the same owner and shares, raised by one shared
// birthday rule run by admin. An acknowledgement probe gets an open alert of its own (another
// such contact, another run), so that a refusal is checked against an alert nobody touched.
const MATRIX_ALERT_RULE = '授权矩阵生日关怀';

function todayInChina(): { month: number; day: number } {
  const [, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).split('-').map(Number);
  return { month, day };
}

interface RuleRef {
  id: string;
  version: number;
  name: string;
}

async function findRule(name: string): Promise<RuleRef | undefined> {
  const rules = await asAdmin({ method: 'GET', path: '/alert-rules' });
  return (rules.body as { items: RuleRef[] }).items.find((rule) => rule.name === name);
}

// One enabled birthday rule for every run (not one per run, or their number would grow).
let birthdayRule: Promise<RuleRef> | undefined;

function birthdayRuleOf(): Promise<RuleRef> {
  birthdayRule ??= (async () => {
    const existing = await findRule(MATRIX_ALERT_RULE);
    if (existing) return existing;
    const created = await asAdmin({
      method: 'POST',
      path: '/alert-rules',
      body: { kind: 'contact_birthday', name: MATRIX_ALERT_RULE, days: 1 },
    });
    if (created.status === 201) return created.body as RuleRef;
    const raced = await findRule(MATRIX_ALERT_RULE);
    if (!raced) throw new Error(`cannot create the birthday rule: ${created.status} ${created.text}`);
    return raced;
  })();
  return birthdayRule;
}

async function raiseBirthdayAlert(customerId: string, contactName: string): Promise<string> {
  const rule = await birthdayRuleOf();
  await mustSucceed(
    `contact ${contactName}`,
    asAdmin({ method: 'POST', path: `/customers/${customerId}/contacts`, body: { name: contactName, birthday: todayInChina() } }),
  );
  await mustSucceed('run the alert rules', asAdmin({ method: 'POST', path: '/alert-rules/run', body: {} }));
  const alerts = await asAdmin({ method: 'GET', path: `/alerts?customerId=${customerId}&ruleId=${rule.id}&pageSize=200` });
  const alert = (alerts.body as { items: { id: string; contactName: string }[] }).items.find((item) => item.contactName === contactName);
  if (!alert) throw new Error(`no birthday alert for ${contactName}: ${alerts.status} ${alerts.text}`);
  return alert.id;
}

async function createAlertFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createFixture(key, { kind: 'customer', owner: spec.owner, sharedWith: spec.sharedWith });
  return { ...customer, id: await raiseBirthdayAlert(customer.id, `${RUN} ${key} 寿星`) };
}

async function alertStatusAsAdmin(customerId: string, alertId: string): Promise<string | undefined> {
  const alerts = await asAdmin({ method: 'GET', path: `/alerts?customerId=${customerId}&pageSize=200` });
  return (alerts.body as { items: { id: string; status: string }[] }).items.find((item) => item.id === alertId)?.status;
}

// Rules to change or delete are the probes' own, disabled, so that they raise nothing.
async function probeRule(name: string): Promise<RuleRef> {
  const created = await asAdmin({ method: 'POST', path: '/alert-rules', body: { kind: 'no_contact', name, days: 30, enabled: false } });
  if (created.status !== 201) throw new Error(`rule ${name}: ${created.status} ${created.text}`);
  return created.body as RuleRef;
}

let ruleToUpdate: Promise<RuleRef> | undefined;
const readAlertRuleAsAdmin = (id: string) => asAdmin({ method: 'GET', path: `/alert-rules/${id}` });

const alertRecipes: Record<string, Recipe> = {
  'GET /alert-rules': {
    async prepare() {
      return { method: 'GET', path: '/alert-rules' };
    },
  },
  'POST /alert-rules': {
    async prepare({ user }) {
      const name = `${RUN.slice(-12)} by ${user}`;
      return {
        method: 'POST',
        path: '/alert-rules',
        body: { kind: 'no_contact', name, days: 30, enabled: false },
        changedSince: async () => ((await findRule(name)) ? `a rule "${name}" was created` : undefined),
      };
    },
  },
  'GET /alert-rules/{id}': {
    async prepare() {
      return { method: 'GET', path: `/alert-rules/${(await birthdayRuleOf()).id}` };
    },
  },
  'PUT /alert-rules/{id}': {
    serial: true,
    async prepare({ user }) {
      ruleToUpdate ??= probeRule(`${RUN.slice(-12)} to update`);
      const { id, name } = await ruleToUpdate;
      const before = await readAlertRuleAsAdmin(id);
      const { days } = before.body as { days: number };
      return {
        method: 'PUT',
        path: `/alert-rules/${id}`,
        headers: { 'if-match': before.etag ?? '' },
        body: { name, days: (days % 90) + 1, enabled: false, categories: user === 'admin' ? [] : ['key'] },
        changedSince: async () => describeChanges(before.body, (await readAlertRuleAsAdmin(id)).body),
      };
    },
  },
  'DELETE /alert-rules/{id}': {
    async prepare({ user }) {
      const { id } = await probeRule(`${RUN.slice(-12)} delete by ${user}`);
      return {
        method: 'DELETE',
        path: `/alert-rules/${id}`,
        headers: { 'if-match': '"1"' },
        changedSince: async () => ((await readAlertRuleAsAdmin(id)).status === 404 ? 'the rule was deleted' : undefined),
      };
    },
  },
  'POST /alert-rules/run': {
    async prepare() {
      return { method: 'POST', path: '/alert-rules/run', body: {} };
    },
  },
  'GET /alerts': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/alerts?customerId=${fixtureOf(probe).customerId}&pageSize=200` };
    },
  },
  'POST /alerts/{id}/acknowledge': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const id = await raiseBirthdayAlert(fixture.customerId, `${RUN} ${fixture.key} 寿星 for ${probe.user}`);
      return {
        method: 'POST',
        path: `/alerts/${id}/acknowledge`,
        body: {},
        changedSince: async () => {
          const status = await alertStatusAsAdmin(fixture.customerId, id);
          return status === 'open' ? undefined : `the alert is ${status ?? 'gone'}`;
        },
      };
    },
  },
};

// Customer maintenance. A probe that uses a customer up (merge, delete, restore) or needs a
// look-alike (duplicates) gets a twin of the fixture: created by the same owner and shared with
// the same units, so inside exactly the same scopes, and named after it, so that a refusal that
// disclosed the twin would show the fixture's name.
const PROBE_PARTNER = '/Partners/Authz Probe';

async function twinOf(fixture: Fixture, suffix: string): Promise<Fixture> {
  const name = `${fixture.name}${suffix}`;
  const owner = matrix.fixtures[fixture.key].owner;
  const created = await send({ method: 'POST', path: '/customers', body: { name, kind: 'company' } }, tokenOf(owner));
  if (created.status !== 201) throw new Error(`twin of ${fixture.key}: ${created.status} ${created.text}`);
  const id = (created.body as { id: string }).id;
  await shareCustomer(id, fixture.sharedWith);
  return { ...fixture, id, name, customerId: id };
}

// The same name but for the legal form, so that the fixture and its twin are a duplicate pair.
const duplicateTwins = new Map<string, Promise<Fixture>>();

function duplicateTwinOf(fixture: Fixture): Promise<Fixture> {
  let twin = duplicateTwins.get(fixture.key);
  if (!twin) {
    twin = twinOf(fixture, '有限公司');
    duplicateTwins.set(fixture.key, twin);
  }
  return twin;
}

const isGoneForAdmin = async (id: string) => (await asAdmin({ method: 'GET', path: `/customers/${id}` })).status === 404;

async function deletedTwinOf(fixture: Fixture, user: string): Promise<Fixture> {
  const twin = await twinOf(fixture, ` to be restored by ${user}`);
  const deleted = await asAdmin({ method: 'POST', path: '/customers/delete', body: { ids: [twin.id] } });
  if (deleted.status !== 200) throw new Error(`cannot delete a twin of ${fixture.key}: ${deleted.status} ${deleted.text}`);
  return twin;
}

async function sharesAsAdmin(fixture: Fixture): Promise<string[]> {
  const reply = await asAdmin({ method: 'GET', path: `/customers/${fixture.id}/shares` });
  if (reply.status !== 200) throw new Error(`admin cannot list the shares of ${fixture.key}: ${reply.status} ${reply.text}`);
  return (reply.body as { items: { unit: string }[] }).items.map((share) => share.unit);
}

const probeShareChange = (fixture: Fixture, before: boolean) => async () =>
  (await sharesAsAdmin(fixture)).includes(PROBE_PARTNER) === before
    ? undefined
    : `the share with ${PROBE_PARTNER} was ${before ? 'removed' : 'added'}`;

const customerMaintenanceRecipes: Record<string, Recipe> = {
  'GET /duplicate-customers': {
    collection: true,
    async prepare(probe) {
      await duplicateTwinOf(fixtureOf(probe));
      return { method: 'GET', path: '/duplicate-customers?pageSize=200' };
    },
  },
  'GET /customers/{id}/duplicates': {
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      await duplicateTwinOf(fixture);
      return { method: 'GET', path: `/customers/${fixture.id}/duplicates` };
    },
  },
  'POST /customers/merge': {
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const survivor = await twinOf(fixture, ` survivor for ${probe.user}`);
      const merged = await twinOf(fixture, ` merged by ${probe.user}`);
      return {
        method: 'POST',
        path: '/customers/merge',
        body: { survivorId: survivor.id, survivorVersion: 1, mergedId: merged.id, mergedVersion: 1, reason: `probe by ${probe.user}` },
        changedSince: async () => ((await isGoneForAdmin(merged.id)) ? 'the customer was merged' : undefined),
      };
    },
  },
  'POST /customers/delete': {
    async prepare(probe) {
      const twin = await twinOf(fixtureOf(probe), ` to be deleted by ${probe.user}`);
      return {
        method: 'POST',
        path: '/customers/delete',
        body: { ids: [twin.id], reason: `probe by ${probe.user}` },
        changedSince: async () => ((await isGoneForAdmin(twin.id)) ? 'the customer was deleted' : undefined),
      };
    },
  },
  'POST /customers/restore': {
    async prepare(probe) {
      const twin = await deletedTwinOf(fixtureOf(probe), probe.user);
      return {
        method: 'POST',
        path: '/customers/restore',
        body: { ids: [twin.id] },
        changedSince: async () => ((await isGoneForAdmin(twin.id)) ? undefined : 'the customer was restored'),
      };
    },
  },
  'GET /deleted-customers': {
    async prepare() {
      return { method: 'GET', path: `/deleted-customers?q=${encodeURIComponent(RUN)}` };
    },
  },
  'POST /customers/notifications': {
    async prepare(probe) {
      return {
        method: 'POST',
        path: '/customers/notifications',
        body: { customerIds: [fixtureOf(probe).id], channel: 'system', text: `授权探测 ${probe.user}` },
      };
    },
  },
  'GET /customers/{id}/shares': {
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).id}/shares` };
    },
  },
  'POST /customers/{id}/shares': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      await asAdmin({ method: 'DELETE', path: `/customers/${fixture.id}/shares/${encodeURIComponent(PROBE_PARTNER)}` });
      return {
        method: 'POST',
        path: `/customers/${fixture.id}/shares`,
        body: { unit: PROBE_PARTNER },
        changedSince: probeShareChange(fixture, false),
      };
    },
  },
  'DELETE /customers/{id}/shares/{unit}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const shared = await asAdmin({ method: 'POST', path: `/customers/${fixture.id}/shares`, body: { unit: PROBE_PARTNER } });
      if (!isSuccess(shared.status)) throw new Error(`cannot share ${fixture.key} with ${PROBE_PARTNER}: ${shared.status} ${shared.text}`);
      return {
        method: 'DELETE',
        path: `/customers/${fixture.id}/shares/${encodeURIComponent(PROBE_PARTNER)}`,
        changedSince: probeShareChange(fixture, true),
      };
    },
  },
};

// Base data and custom fields: administrators change them, everyone who reads customers reads
// them. Entries and definitions are global, so each probe writes under a name of its own (ASCII,
// as codes and keys must be) and checks as admin whether anything changed.
const RUN_ID = RUN.replace(/[^0-9a-z]/g, '');
const asciiOf = (user: string) => user.replace(/[^a-z0-9]/g, '_');

async function baseDataEntry(kind: string, code: string): Promise<Record<string, unknown> | undefined> {
  const reply = await asAdmin({ method: 'GET', path: `/base-data/${kind}?includeDisabled=true` });
  return (reply.body as { items: Record<string, unknown>[] }).items.find((entry) => entry.code === code);
}

async function customFieldOf(key: string): Promise<Record<string, unknown> | undefined> {
  const reply = await asAdmin({ method: 'GET', path: '/custom-fields?includeDisabled=true' });
  return (reply.body as { items: Record<string, unknown>[] }).items.find((definition) => definition.key === key);
}

async function createAsAdmin(request: ApiRequest): Promise<void> {
  const reply = await asAdmin(request);
  if (reply.status !== 201) throw new Error(`${request.method} ${request.path} as admin: ${reply.status} ${reply.text}`);
}

// One entry and one definition that every PATCH probe changes, made once.
let patchTargets: Promise<{ code: string; key: string }> | undefined;
function referenceDataToPatch(): Promise<{ code: string; key: string }> {
  patchTargets ??= (async () => {
    const targets = { code: `authz_patch_${RUN_ID}`, key: `authz_patch_${RUN_ID}` };
    await createAsAdmin({ method: 'POST', path: '/base-data/source', body: { code: targets.code, name: `授权改来源${RUN_ID}` } });
    await createAsAdmin({ method: 'POST', path: '/custom-fields', body: { key: targets.key, label: `授权改字段${RUN_ID}`, type: 'text' } });
    return targets;
  })();
  return patchTargets;
}

const appears = (find: () => Promise<unknown>, what: string) => async () => ((await find()) ? `${what} exists` : undefined);
const disappears = (find: () => Promise<unknown>, what: string) => async () => ((await find()) ? undefined : `${what} was deleted`);
const changed = (find: () => Promise<unknown>, before: unknown) => async () => describeChanges(before, await find());

const referenceDataRecipes: Record<string, Recipe> = {
  'GET /base-data/{kind}': { prepare: async () => ({ method: 'GET', path: '/base-data/industry' }) },
  'GET /regions': { prepare: async () => ({ method: 'GET', path: '/regions' }) },
  'GET /custom-fields': { prepare: async () => ({ method: 'GET', path: '/custom-fields' }) },
  'POST /base-data/{kind}': {
    async prepare({ user }) {
      const code = `authz_${asciiOf(user)}_${RUN_ID}`;
      return {
        method: 'POST',
        path: '/base-data/source',
        body: { code, name: `授权来源${user}${RUN_ID}` },
        changedSince: appears(() => baseDataEntry('source', code), `source ${code}`),
      };
    },
  },
  'PATCH /base-data/{kind}/{code}': {
    serial: true,
    async prepare({ user }) {
      const { code } = await referenceDataToPatch();
      const before = await baseDataEntry('source', code);
      return {
        method: 'PATCH',
        path: `/base-data/source/${code}`,
        body: { nameEn: `probe by ${user}` },
        changedSince: changed(() => baseDataEntry('source', code), before),
      };
    },
  },
  'DELETE /base-data/{kind}/{code}': {
    async prepare({ user }) {
      const code = `authz_del_${asciiOf(user)}_${RUN_ID}`;
      await createAsAdmin({ method: 'POST', path: '/base-data/source', body: { code, name: `授权删来源${user}${RUN_ID}` } });
      return {
        method: 'DELETE',
        path: `/base-data/source/${code}`,
        changedSince: disappears(() => baseDataEntry('source', code), `source ${code}`),
      };
    },
  },
  'POST /base-data/import': {
    async prepare({ user }) {
      const code = `authz_imp_${asciiOf(user)}_${RUN_ID}`;
      const csv = `kind,code,name\nsource,${code},授权导入${user}${RUN_ID}\n`;
      return {
        method: 'POST',
        path: '/base-data/import',
        text: { body: csv, contentType: 'text/csv' },
        changedSince: appears(() => baseDataEntry('source', code), `source ${code}`),
      };
    },
  },
  'POST /custom-fields': {
    async prepare({ user }) {
      const key = `authz_${asciiOf(user)}_${RUN_ID}`;
      return {
        method: 'POST',
        path: '/custom-fields',
        body: { key, label: `授权字段${user}${RUN_ID}`, type: 'text' },
        changedSince: appears(() => customFieldOf(key), `custom field ${key}`),
      };
    },
  },
  'PATCH /custom-fields/{key}': {
    serial: true,
    async prepare({ user }) {
      const { key } = await referenceDataToPatch();
      const before = await customFieldOf(key);
      return {
        method: 'PATCH',
        path: `/custom-fields/${key}`,
        body: { label: `授权改字段${asciiOf(user)}${RUN_ID}` },
        changedSince: changed(() => customFieldOf(key), before),
      };
    },
  },
  'DELETE /custom-fields/{key}': {
    async prepare({ user }) {
      const key = `authz_del_${asciiOf(user)}_${RUN_ID}`;
      await createAsAdmin({ method: 'POST', path: '/custom-fields', body: { key, label: `授权删字段${user}${RUN_ID}`, type: 'date' } });
      return { method: 'DELETE', path: `/custom-fields/${key}`, changedSince: disappears(() => customFieldOf(key), `custom field ${key}`) };
    },
  },
};

const recipes: Record<string, Recipe> = {
  'POST /customer-imports': {
    async prepare({ user }) {
      const fileName = `${RUN} import by ${user}.csv`;
      return {
        ...importRequest(fileName, `${RUN} imported by ${user}`),
        changedSince: async () => {
          const jobs = await asAdmin({ method: 'GET', path: '/customer-imports?pageSize=100' });
          return jobs.text.includes(JSON.stringify(fileName)) ? `an import job of ${fileName} exists` : undefined;
        },
      };
    },
  },
  'GET /customer-imports': {
    collection: true,
    async prepare() {
      return { method: 'GET', path: '/customer-imports?pageSize=100' };
    },
  },
  'GET /customer-imports/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/customer-imports/${fixtureOf(probe).id}` };
    },
  },
  'GET /customer-imports/{id}/errors': {
    async prepare(probe) {
      return { method: 'GET', path: `/customer-imports/${fixtureOf(probe).id}/errors` };
    },
  },
  'GET /customers/export': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/customers/export?q=${encodeURIComponent(fixtureOf(probe).name)}` };
    },
  },
  ...contactRecipes,
  ...approvalRecipes,
  ...assignmentRecipes,
  ...customerMaintenanceRecipes,
  ...referenceDataRecipes,
  ...alertRecipes,
  'POST /customers/{id}/follow-ups': {
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const content = `${RUN} recorded by ${probe.user} on ${fixture.key}`;
      return {
        method: 'POST',
        path: `/customers/${fixture.id}/follow-ups`,
        body: { method: 'phone', content },
        changedSince: async () => {
          const listed = await asAdmin({ method: 'GET', path: `/customers/${fixture.id}/follow-ups?pageSize=200` });
          return listed.text.includes(content) ? `a follow-up "${content}" was recorded` : undefined;
        },
      };
    },
  },
  'GET /customers/{id}/follow-ups': {
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      await followUpOf(fixture);
      return { method: 'GET', path: `/customers/${fixture.id}/follow-ups` };
    },
  },
  'GET /team/follow-ups': {
    collection: true,
    async prepare(probe) {
      const { occurredAt } = await followUpOf(fixtureOf(probe));
      const until = new Date(Date.parse(occurredAt) + 1).toISOString();
      return {
        method: 'GET',
        path: `/team/follow-ups?occurredFrom=${encodeURIComponent(occurredAt)}&occurredTo=${encodeURIComponent(until)}`,
      };
    },
  },
  'GET /follow-ups/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/follow-ups/${(await followUpOf(fixtureOf(probe))).id}` };
    },
  },
  'PATCH /follow-ups/{id}': {
    serial: true,
    async prepare(probe) {
      const { id } = await followUpOf(fixtureOf(probe));
      const before = await readFollowUpAsAdmin(id);
      return {
        method: 'PATCH',
        path: `/follow-ups/${id}`,
        body: { content: `${RUN} edited by ${probe.user}` },
        changedSince: async () => describeChanges(before.body, (await readFollowUpAsAdmin(id)).body),
      };
    },
  },
  'DELETE /follow-ups/{id}': {
    async prepare(probe) {
      // A record of its own for every probe, as a deletion uses it up.
      const { id } = await recordFollowUp(fixtureOf(probe), `${RUN} to be deleted by ${probe.user}`);
      return {
        method: 'DELETE',
        path: `/follow-ups/${id}`,
        changedSince: async () => ((await readFollowUpAsAdmin(id)).status === 404 ? 'the follow-up was deleted' : undefined),
      };
    },
  },
  'POST /follow-ups/{id}/annotations': {
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const { id } = await followUpOf(fixture);
      const comment = `${RUN} annotation by ${probe.user} on ${fixture.key}`;
      return {
        method: 'POST',
        path: `/follow-ups/${id}/annotations`,
        body: { comment },
        changedSince: async () => ((await readFollowUpAsAdmin(id)).text.includes(comment) ? 'the annotation was written' : undefined),
      };
    },
  },
  'GET /customers/{id}/history': {
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).id}/history` };
    },
  },
  'POST /customers': {
    async prepare({ user }) {
      const name = `${RUN} created by ${user}`;
      return {
        method: 'POST',
        path: '/customers',
        body: { name, kind: 'company', industry: '软件' },
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
  'GET /customers/{id}/360': {
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).id}/360` };
    },
  },
  'GET /customers/{id}/timeline': {
    async prepare(probe) {
      return { method: 'GET', path: `/customers/${fixtureOf(probe).id}/timeline` };
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
        body: { starRating: ((before.body as { starRating: number }).starRating % 5) + 1 },
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
  if (reply.status !== 401 || reply.code !== 'token_missing')
    return `${endpoint} without a token: expected 401 token_missing, got ${describeReply(reply)}`;
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
    row.cases.flatMap((matrixCase) =>
      Object.entries(matrixCase.expect).map(([user, outcome]) => ({ endpoint, matrixCase, user, outcome })),
    ),
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
  const notAuthor = cell.matrixCase.authorOnly === true && matrix.fixtures[cell.matrixCase.fixture ?? '']?.owner !== cell.user;
  const notDecider = cell.matrixCase.deciders !== undefined && !cell.matrixCase.deciders.includes(cell.user);
  if (missing.length === 0 && !notAuthor && !notDecider && cell.outcome === 'deny')
    return `the matrix says deny, but ${roles} have ${[routePermission, ...requires].join(' and ')}`;
  if (missing.length > 0 && cell.outcome === 'allow') return `the matrix says allow, but ${roles} lack ${missing.join(' and ')}`;
  if (notAuthor && cell.outcome === 'allow') return `the matrix says allow, but ${cell.user} is not the record's author`;
  if (notDecider && cell.outcome === 'allow') return `the matrix says allow, but ${cell.user} is not among the step's deciders`;
  return undefined;
}

// Only for callers past the route's permission: inside the scope allow (or deny for a missing
// further permission), outside not-found or filtered.
function scopeProblem(cell: Cell): string | undefined {
  const fixtureKey = cell.matrixCase.fixture;
  if (!fixtureKey || !['customer', 'contact', 'pending-customer'].includes(matrix.fixtures[fixtureKey]?.kind)) return undefined;
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
    ...Object.entries(matrixCase.expect)
      .filter(([, outcome]) => !OUTCOMES.includes(outcome))
      .map(([user, outcome]) => `${where} as ${user}: unknown outcome "${outcome}"`),
    ...(matrixCase.fixture && !(matrixCase.fixture in matrix.fixtures) ? [`${where}: no such fixture`] : []),
    ...(matrixCase.variant && !knownVariants.includes(matrixCase.variant)
      ? [`${where}: the recipe knows no variant "${matrixCase.variant}"`]
      : []),
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
      const actual = principalFromClaims(decodeJwt(tokenOf(user)), tokenOf(user))
        .roles.filter((role) => knownRoles.has(role))
        .sort();
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
    // One endpoint at a time: some recipes prepare state on fixtures that others' probes check.
    const problems: (string | undefined)[] = [];
    for (const endpoint of endpoints) problems.push(await probeWithoutToken(endpoint));
    expect(problems.filter(Boolean)).toEqual([]);
  });

  it.each(endpoints)('holds for %s as every user', async (endpoint) => {
    expect(await walkEndpoint(endpoint)).toEqual([]);
  });
});
