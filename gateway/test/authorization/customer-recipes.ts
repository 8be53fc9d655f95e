import { decodeJwt } from 'jose';
import { canSeeRecord, customerScopeOf, principalFromClaims } from '@liaison/auth';
import {
  RUN,
  asAdmin,
  describeChanges,
  fixtureNamed,
  fixtureOf,
  fixtureSpecOf,
  isSuccess,
  mustSucceed,
  send,
  tokenOf,
  type ApiRequest,
  type Fixture,
  type FixtureKind,
  type Probe,
  type Recipe,
  type Reply,
} from './harness';
import type { FixtureSpec } from './matrix';

// The customer service's part of the authorization matrix: how to make the fixtures that
// gateway/authorization/customer.json names, and how to ask each of its endpoints something valid,
// so that authorization alone decides the answer. A row of customer.json needs a recipe here; the
// walker (walker.ts) runs them from customer.e2e.test.ts.

// ---------------------------------------------------------------------------------------------
// Fixtures

async function createCustomerFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
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
  const customer = spec.customer ? fixtureNamed(spec.customer) : undefined;
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
// Request recipes: how to ask each endpoint something valid. A row of customer.json needs one here.

async function readAsAdmin(fixture: Fixture): Promise<Reply> {
  const reply = await asAdmin({ method: 'GET', path: `/customers/${fixture.id}` });
  if (reply.status !== 200) throw new Error(`admin cannot read fixture ${fixture.key}: ${reply.status} ${reply.text}`);
  return reply;
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

const ownerOf = (fixture: Fixture) => fixtureSpecOf(fixture.key).owner;

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
  const customer = await createCustomerFixture(`${key} customer`, { kind: 'customer', owner: spec.owner });
  const fixture: Fixture = { ...customer, key };
  await applyForInvalid(fixture);
  return fixture;
}

async function applyForInvalid(fixture: Fixture): Promise<Reply> {
  const owner = fixtureSpecOf(fixture.key).owner;
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
  const customer = await createCustomerFixture(`${key} customer`, { kind: 'customer', owner: spec.owner });
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

async function createPoolFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createCustomerFixture(`${key} customer`, { kind: 'customer', owner: spec.owner });
  await mustSucceed(
    `fixture ${key}: release`,
    send({ method: 'POST', path: `/customers/${customer.id}/release`, body: { reason: HANDOVER_RESET } }, tokenOf(spec.owner)),
  );
  return { ...customer, key, name: `${RUN} ${key} customer`, ownerId: '', ownerUnit: null };
}

// Pending: it came back from the pool to its owner, who has not followed it up since.
async function createPendingFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const customer = await createCustomerFixture(key, { kind: 'customer', owner: spec.owner });
  await mustSucceed(
    `fixture ${key}: release`,
    send({ method: 'POST', path: `/customers/${customer.id}/release`, body: { reason: HANDOVER_RESET } }, tokenOf(spec.owner)),
  );
  await restoreOwnership(customer, 'pending-customer');
  return customer;
}

async function restoreOwnership(fixture: Fixture, kind = fixtureSpecOf(fixture.key).kind): Promise<Reply> {
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
  const customer = await createCustomerFixture(key, { kind: 'customer', owner: spec.owner, sharedWith: spec.sharedWith });
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
  const owner = fixtureSpecOf(fixture.key).owner;
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

export const recipes: Record<string, Recipe> = {
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

// ---------------------------------------------------------------------------------------------
// Fixture kinds

// Customers and the records that are in scope exactly where their customer is: the customer data
// scope of libs/auth, read from the user's token, says who may see them.
function customerScope(user: string, fixture: Fixture): { name: string; covers: boolean } {
  const scope = customerScopeOf(principalFromClaims(decodeJwt(tokenOf(user)), tokenOf(user)));
  const covers = canSeeRecord(scope, { ownerId: fixture.ownerId, ownerUnit: fixture.ownerUnit, sharedWithUnits: fixture.sharedWith });
  return { name: scope.kind, covers };
}

export const fixtureKinds: Record<string, FixtureKind> = {
  'customer': { create: createCustomerFixture, scope: customerScope },
  'contact': { create: createContactFixture, scope: customerScope },
  'pending-customer': { create: createPendingFixture, scope: customerScope },
  'invalid-application': { create: createApplicationFixture },
  'pool-customer': { create: createPoolFixture },
  'customer-import': { create: createImportFixture },
  'customer-alert': { create: createAlertFixture },
  'handover': { create: createHandoverFixture },
};
