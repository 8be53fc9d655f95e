import { decodeJwt } from 'jose';
import { canSeeRecord, principalFromClaims, readScopeOf, salesScopePolicy, unitCovers, writeScopeOf } from '@liaison/auth';
import {
  RUN,
  asAdmin,
  describeChanges,
  fixtureOf,
  send,
  tokenOf,
  type Fixture,
  type FixtureKind,
  type Recipe,
  type Reply,
} from './harness';
import type { FixtureSpec } from './matrix';

// The sales-pipeline service's part of the authorization matrix: how to make the fixtures that
// gateway/authorization/sales-pipeline.json names, and a valid request per endpoint, so that
// authorization alone decides the answer.

async function createLeadFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const name = `${RUN} ${key}`;
  const created = await send(
    { method: 'POST', path: '/leads', body: { contactName: '韩梅梅', companyName: name, phone: '13912345678', allowDuplicate: true } },
    tokenOf(spec.owner),
  );
  if (created.status !== 201) throw new Error(`fixture ${key}: create as ${spec.owner} answered ${created.status} ${created.text}`);
  const lead = created.body as { id: string; ownerId: string; ownerUnit: string | null };
  return { key, id: lead.id, name, ownerId: lead.ownerId, ownerUnit: lead.ownerUnit, sharedWith: [], customerId: '' };
}

const principalOf = (user: string) => principalFromClaims(decodeJwt(tokenOf(user)), tokenOf(user));

// The sales data scope of libs/auth, read from the user's token.
function salesScope(user: string, fixture: Fixture): { name: string; covers: boolean } {
  const scope = readScopeOf(principalOf(user), salesScopePolicy);
  return { name: scope.kind, covers: canSeeRecord(scope, { ownerId: fixture.ownerId, ownerUnit: fixture.ownerUnit }) };
}

// A rule belongs to its unit: admins keep every rule, managers those of the units they manage.
function ruleScope(user: string, fixture: Fixture): { name: string; covers: boolean } {
  const scope = writeScopeOf(principalOf(user), salesScopePolicy, 'sales');
  const covers =
    scope.kind === 'all' || (scope.kind === 'managed' && scope.units.some((unit) => unitCovers(unit, fixture.ownerUnit ?? '')));
  return { name: scope.kind, covers };
}

/** A unit the user may hand leads to, preferring the fixture's: so that only the record decides. */
function unitFor(user: string, preferred: string): string {
  if (user === 'anonymous') return preferred; // the probe without a token
  const scope = writeScopeOf(principalOf(user), salesScopePolicy, 'sales');
  if (scope.kind === 'all') return preferred;
  const managed = scope.kind === 'managed' ? scope.units : [];
  return managed.find((unit) => unitCovers(unit, preferred)) ? preferred : (managed[0] ?? '/Sales/East');
}

async function createRuleFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const unit = unitFor(spec.owner, '/Sales/East');
  const rule = await createRule(`${RUN} ${key}`, unit, spec.owner);
  return { key, id: rule.id, name: rule.name, ownerId: rule.createdBy, ownerUnit: unit, sharedWith: [], customerId: '' };
}

async function createRule(name: string, unit: string, user: string): Promise<{ id: string; name: string; createdBy: string }> {
  // A source no lead of the walk has: the rules never take the fixtures' leads.
  const body = { name, unit, members: ['matrix-rep'], sources: [`${RUN} 不用`] };
  const created = await send({ method: 'POST', path: '/lead-assignment-rules', body }, tokenOf(user));
  if (created.status !== 201) throw new Error(`rule ${name}: create as ${user} answered ${created.status} ${created.text}`);
  return created.body as { id: string; name: string; createdBy: string };
}

async function createFormFixture(key: string, spec: FixtureSpec): Promise<Fixture> {
  const unit = unitFor(spec.owner, '/Sales/East');
  const body = { name: `${RUN} ${key}`, source: `${RUN} 表单`, unit };
  const created = await send({ method: 'POST', path: '/lead-forms', body }, tokenOf(spec.owner));
  if (created.status !== 201) throw new Error(`fixture ${key}: create as ${spec.owner} answered ${created.status} ${created.text}`);
  const form = created.body as { id: string; name: string; createdBy: string };
  return { key, id: form.id, name: form.name, ownerId: form.createdBy, ownerUnit: unit, sharedWith: [], customerId: '' };
}

async function readFormAsAdmin(fixture: Fixture): Promise<{ version: number; body: unknown }> {
  const reply = await asAdmin({ method: 'GET', path: '/lead-forms' });
  const form = (reply.body as { items: { id: string; version: number }[] }).items.find((item) => item.id === fixture.id);
  if (!form) throw new Error(`admin cannot find form ${fixture.key}: ${reply.status}`);
  return { version: form.version, body: form };
}

async function readRuleAsAdmin(fixture: Fixture): Promise<{ version: number; body: unknown }> {
  const reply = await asAdmin({ method: 'GET', path: '/lead-assignment-rules' });
  const rule = (reply.body as { items: { id: string; version: number }[] }).items.find((item) => item.id === fixture.id);
  if (!rule) throw new Error(`admin cannot find rule ${fixture.key}: ${reply.status}`);
  return { version: rule.version, body: rule };
}

async function readLeadAsAdmin(fixture: Fixture): Promise<Reply> {
  const reply = await asAdmin({ method: 'GET', path: `/leads/${fixture.id}` });
  if (reply.status !== 200) throw new Error(`admin cannot read fixture ${fixture.key}: ${reply.status} ${reply.text}`);
  return reply;
}

const changesTo = (fixture: Fixture, before: Reply) => async () => describeChanges(before.body, (await readLeadAsAdmin(fixture)).body);

// A move open from each status a probe can leave a lead in.
const NEXT_STATUS: Record<string, string> = { new: 'contacted', contacted: 'qualified', qualified: 'contacted' };

export const recipes: Record<string, Recipe> = {
  'POST /leads/duplicates': {
    async prepare() {
      return { method: 'POST', path: '/leads/duplicates', body: { phone: '13912345678' } };
    },
  },
  'POST /lead-forms': {
    async prepare({ user }) {
      const name = `${RUN} form by ${user}`;
      return {
        method: 'POST',
        path: '/lead-forms',
        body: { name, source: '官网表单', unit: unitFor(user, '/Sales/East') },
        changedSince: async () => {
          const all = (await asAdmin({ method: 'GET', path: '/lead-forms' })).body as { items: { name: string }[] };
          return all.items.some((form) => form.name === name) ? `a form named "${name}" exists` : undefined;
        },
      };
    },
  },
  'GET /lead-forms': {
    collection: true,
    async prepare() {
      return { method: 'GET', path: '/lead-forms' };
    },
  },
  'PATCH /lead-forms/{id}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readFormAsAdmin(fixture);
      return {
        method: 'PATCH',
        path: `/lead-forms/${fixture.id}`,
        headers: { 'if-match': `"${before.version}"` },
        body: { source: `来源 ${before.version}` },
        changedSince: async () => describeChanges(before.body, (await readFormAsAdmin(fixture)).body),
      };
    },
  },
  'POST /leads/{id}/assign': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readLeadAsAdmin(fixture);
      // The same owner again, named in a unit the user may hand leads to: nothing moves when
      // allowed (later probes need the fixture where it was), and the record alone decides.
      const body = { toOwnerId: fixture.ownerId, toOwnerUnit: unitFor(probe.user, fixture.ownerUnit ?? '/Sales/East') };
      return {
        method: 'POST',
        path: `/leads/${fixture.id}/assign`,
        headers: { 'if-match': before.etag ?? '' },
        body,
        changedSince: changesTo(fixture, before),
      };
    },
  },
  'POST /lead-assignment-rules': {
    async prepare({ user }) {
      const name = `${RUN} rule by ${user}`;
      return {
        method: 'POST',
        path: '/lead-assignment-rules',
        body: { name, unit: unitFor(user, '/Sales/East'), members: ['matrix-rep'], sources: [`${RUN} 不用`] },
        changedSince: async () => {
          const all = (await asAdmin({ method: 'GET', path: '/lead-assignment-rules' })).body as { items: { name: string }[] };
          return all.items.some((rule) => rule.name === name) ? `a rule named "${name}" exists` : undefined;
        },
      };
    },
  },
  'GET /lead-assignment-rules': {
    collection: true,
    async prepare() {
      return { method: 'GET', path: '/lead-assignment-rules' };
    },
  },
  'PATCH /lead-assignment-rules/{id}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readRuleAsAdmin(fixture);
      return {
        method: 'PATCH',
        path: `/lead-assignment-rules/${fixture.id}`,
        headers: { 'if-match': `"${before.version}"` },
        body: { priority: (before.version % 100) + 1 },
        changedSince: async () => describeChanges(before.body, (await readRuleAsAdmin(fixture)).body),
      };
    },
  },
  'DELETE /lead-assignment-rules/{id}': {
    // A rule of its own per probe, in the fixture's unit: the fixture stays for the other rows.
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const rule = await createRule(`${RUN} to delete by ${probe.user}`, fixture.ownerUnit ?? '/Sales/East', 'admin');
      return {
        method: 'DELETE',
        path: `/lead-assignment-rules/${rule.id}`,
        headers: { 'if-match': '"1"' },
        changedSince: async () => {
          const all = (await asAdmin({ method: 'GET', path: '/lead-assignment-rules' })).body as { items: { id: string }[] };
          return all.items.some((item) => item.id === rule.id) ? undefined : `rule ${rule.id} was deleted`;
        },
      };
    },
  },
  'POST /leads': {
    async prepare({ user }) {
      const name = `${RUN} lead created by ${user}`;
      return {
        method: 'POST',
        path: '/leads',
        body: { contactName: '李雷', companyName: name, email: 'li.lei@example.cn', allowDuplicate: true },
        changedSince: async () => {
          const found = await asAdmin({ method: 'GET', path: `/leads?q=${encodeURIComponent(name)}` });
          const count = (found.body as { items: unknown[] }).items.length;
          return count > 0 ? `${count} lead(s) named "${name}" exist` : undefined;
        },
      };
    },
  },
  'GET /leads': {
    collection: true,
    async prepare(probe) {
      return { method: 'GET', path: `/leads?q=${encodeURIComponent(fixtureOf(probe).name)}` };
    },
  },
  'GET /leads/{id}': {
    async prepare(probe) {
      return { method: 'GET', path: `/leads/${fixtureOf(probe).id}` };
    },
  },
  'PATCH /leads/{id}': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readLeadAsAdmin(fixture);
      return {
        method: 'PATCH',
        path: `/leads/${fixture.id}`,
        headers: { 'if-match': before.etag ?? '' },
        body: { description: `probe by ${probe.user}` },
        changedSince: changesTo(fixture, before),
      };
    },
  },
  'POST /leads/{id}/status': {
    serial: true,
    async prepare(probe) {
      const fixture = fixtureOf(probe);
      const before = await readLeadAsAdmin(fixture);
      return {
        method: 'POST',
        path: `/leads/${fixture.id}/status`,
        headers: { 'if-match': before.etag ?? '' },
        body: { status: NEXT_STATUS[(before.body as { status: string }).status], note: `probe by ${probe.user}` },
        changedSince: changesTo(fixture, before),
      };
    },
  },
};

export const fixtureKinds: Record<string, FixtureKind> = {
  'lead': { create: createLeadFixture, scope: salesScope },
  'lead-assignment-rule': { create: createRuleFixture, scope: ruleScope },
  // Forms belong to their unit as rules do.
  'lead-form': { create: createFormFixture, scope: ruleScope },
};
