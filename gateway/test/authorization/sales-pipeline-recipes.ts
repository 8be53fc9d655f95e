import { decodeJwt } from 'jose';
import { canSeeRecord, principalFromClaims, readScopeOf, salesScopePolicy } from '@liaison/auth';
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
    { method: 'POST', path: '/leads', body: { contactName: '韩梅梅', companyName: name, phone: '13912345678' } },
    tokenOf(spec.owner),
  );
  if (created.status !== 201) throw new Error(`fixture ${key}: create as ${spec.owner} answered ${created.status} ${created.text}`);
  const lead = created.body as { id: string; ownerId: string; ownerUnit: string | null };
  return { key, id: lead.id, name, ownerId: lead.ownerId, ownerUnit: lead.ownerUnit, sharedWith: [], customerId: '' };
}

// The sales data scope of libs/auth, read from the user's token.
function salesScope(user: string, fixture: Fixture): { name: string; covers: boolean } {
  const scope = readScopeOf(principalFromClaims(decodeJwt(tokenOf(user)), tokenOf(user)), salesScopePolicy);
  return { name: scope.kind, covers: canSeeRecord(scope, { ownerId: fixture.ownerId, ownerUnit: fixture.ownerUnit }) };
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
  'POST /leads': {
    async prepare({ user }) {
      const name = `${RUN} lead created by ${user}`;
      return {
        method: 'POST',
        path: '/leads',
        body: { contactName: '李雷', companyName: name, email: 'li.lei@example.cn' },
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
  lead: { create: createLeadFixture, scope: salesScope },
};
