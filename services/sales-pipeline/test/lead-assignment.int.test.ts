import { EventTypes, salesLeadV1 } from '@liaison/contracts';
import { createGrpcClient, unary } from '@liaison/runtime';
import { collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { callerMetadata as as, startServiceUnderTest } from './support';
import type { RunningSalesPipelineService } from '../src/app';

// Lead assignment (SAL-01) against the real stack: rules kept per unit by its managers, new leads
// handed round-robin to a rule's members (also under concurrency), leads no rule takes waiting
// unassigned in their unit, and assignment by hand within the units a manager manages.

const RUN = Date.now().toString(36);
// Sources and provinces of this run only: rules of earlier runs on the same database never match.
const FAIR = `展会-${RUN}`;
const WEB = `官网-${RUN}`;
let service: RunningSalesPipelineService;
let leads: salesLeadV1.LeadServiceClient;
let rules: salesLeadV1.LeadAssignmentServiceClient;
let events: RecordCollector;
let rep1: string;
let rep2: string;

beforeAll(async () => {
  events = await collectRecords(['liaison.sales.v1']);
  service = await startServiceUnderTest('sales_pipeline_it');
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = (serviceName: string) => ({ serviceName, idempotentMethods: [], deadlineMs: 10_000 });
  leads = createGrpcClient(salesLeadV1.LeadServiceClient, address, options('liaison.sales.v1.LeadService'));
  rules = createGrpcClient(salesLeadV1.LeadAssignmentServiceClient, address, options('liaison.sales.v1.LeadAssignmentService'));
  [rep1, rep2] = [subjectOf(await userToken('rep.east.1')), subjectOf(await userToken('rep.east.2'))];
});

afterAll(async () => {
  leads?.close();
  rules?.close();
  await service?.host.stop();
  await events?.stop();
});

const createRule = async (user: string, rule: Partial<salesLeadV1.LeadAssignmentRule>) =>
  (
    await unary(
      rules.createLeadAssignmentRule.bind(rules),
      { rule: salesLeadV1.LeadAssignmentRule.fromPartial({ name: '轮询', priority: 10, enabled: true, ...rule }) },
      await as(user),
    )
  ).rule!;
const createLead = async (user: string, lead: Partial<salesLeadV1.Lead>, assignByRules = true) =>
  (
    await unary(
      leads.createLead.bind(leads),
      { lead: salesLeadV1.Lead.fromPartial({ contactName: '王先生', phone: '13700000000', ...lead }), assignByRules, allowDuplicate: true },
      await as(user),
    )
  ).lead!;
const getLead = async (user: string, id: string) => (await unary(leads.getLead.bind(leads), { id }, await as(user))).lead!;
const assign = async (user: string, request: Partial<salesLeadV1.AssignLeadRequest>) =>
  (await unary(leads.assignLead.bind(leads), salesLeadV1.AssignLeadRequest.fromPartial(request), await as(user))).lead!;

describe('lead assignment rules', () => {
  it('hand new leads to the members in turn, and keep turns apart under concurrency', async () => {
    const rule = await createRule('manager.east', { name: `华东展会 ${RUN}`, sources: [FAIR], unit: '/Sales/East', members: [rep1, rep2] });
    expect(rule).toMatchObject({ unit: '/Sales/East', members: [rep1, rep2], version: 1 });
    const first = await createLead('manager.east', { source: FAIR });
    const second = await createLead('manager.east', { source: FAIR });
    expect([first.ownerId, second.ownerId]).toEqual([rep1, rep2]);
    expect(first).toMatchObject({ ownerUnit: '/Sales/East', assignedByRuleId: rule.id });

    const burst = await Promise.all(Array.from({ length: 10 }, () => createLead('manager.east', { source: FAIR })));
    const counts = burst.reduce((count, lead) => count.set(lead.ownerId, (count.get(lead.ownerId) ?? 0) + 1), new Map<string, number>());
    expect(Object.fromEntries(counts)).toEqual({ [rep1]: 5, [rep2]: 5 });

    const assigned = await waitFor('LeadAssigned of the first lead', async () =>
      events.records.find((record) => record.key === first.id && record.headers.ce_type === EventTypes.LeadAssigned.type),
    );
    expect(EventTypes.LeadAssigned.codec.decode(assigned.value!)).toMatchObject({ toOwnerId: rep1, ruleId: rule.id, fromOwnerId: '' });
  });

  it('take the first matching rule by priority, and leave a lead no rule takes unassigned in the unit', async () => {
    const province = `省${RUN}`;
    await createRule('manager.east', { name: '低优先', priority: 50, provinces: [province], unit: '/Sales/East', members: [rep2] });
    await createRule('manager.east', { name: '高优先', priority: 5, provinces: [province], unit: '/Sales/East', members: [rep1] });
    expect((await createLead('manager.east', { source: WEB, province })).ownerId).toBe(rep1);

    const waiting = await createLead('manager.east', { source: WEB, province: '无人省' });
    expect(waiting).toMatchObject({ ownerId: '', ownerUnit: '/Sales/East', assignedByRuleId: '' });
    expect((await getLead('manager.east', waiting.id)).id).toBe(waiting.id);
    await expect(getLead('rep.east.1', waiting.id)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('belong to their unit: other managers neither see nor change them, nor make rules for it; reps make none', async () => {
    const rule = await createRule('manager.east', { name: `仅华东 ${RUN}`, sources: [`${FAIR}-x`], unit: '/Sales/East', members: [rep1] });
    const westRules = (await unary(rules.listLeadAssignmentRules.bind(rules), {}, await as('manager.west'))).rules;
    expect(westRules.map((listed) => listed.id)).not.toContain(rule.id);
    const eastRules = (await unary(rules.listLeadAssignmentRules.bind(rules), {}, await as('manager.east'))).rules;
    expect(eastRules.map((listed) => listed.id)).toContain(rule.id);
    await expect(
      unary(
        rules.updateLeadAssignmentRule.bind(rules),
        { id: rule.id, expectedVersion: 1, rule: { ...rule, enabled: false }, updateMask: ['enabled'] },
        await as('manager.west'),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(createRule('manager.west', { sources: [FAIR], unit: '/Sales/East', members: [rep1] })).rejects.toMatchObject({
      code: 'permission_denied',
      reason: 'unit_not_managed',
    });
    await expect(createRule('rep.east.1', { sources: [FAIR], unit: '/Sales/East', members: [rep1] })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(createLead('rep.east.1', { source: FAIR })).rejects.toMatchObject({ code: 'permission_denied' });

    const disabled = await unary(
      rules.updateLeadAssignmentRule.bind(rules),
      { id: rule.id, expectedVersion: 1, rule: { ...rule, enabled: false }, updateMask: ['enabled'] },
      await as('admin'),
    );
    expect(disabled.rule).toMatchObject({ enabled: false, version: 2 });
    expect((await createLead('manager.east', { source: `${FAIR}-x` })).ownerId).toBe('');
    await unary(rules.deleteLeadAssignmentRule.bind(rules), { id: rule.id, expectedVersion: 2 }, await as('manager.east'));
    await expect(
      unary(rules.deleteLeadAssignmentRule.bind(rules), { id: rule.id, expectedVersion: 2 }, await as('manager.east')),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('check every field of a rule and name the bad ones', async () => {
    await expect(createRule('admin', { name: ' ', priority: -1, unit: 'Sales', members: [] })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: expect.arrayContaining([
        expect.objectContaining({ field: 'rule.name' }),
        expect.objectContaining({ field: 'rule.priority' }),
        expect.objectContaining({ field: 'rule.unit' }),
        expect.objectContaining({ field: 'rule.members' }),
      ]),
    });
  });
});

describe('assigning a lead by hand', () => {
  it('gives a lead to a rep of a unit the manager manages, and tells of it', async () => {
    const lead = await createLead('manager.east', { source: `${WEB}-hand`, province: '无人省' });
    const given = await assign('manager.east', { id: lead.id, expectedVersion: 1, toOwnerId: rep2, toOwnerUnit: '/Sales/East' });
    expect(given).toMatchObject({ ownerId: rep2, ownerUnit: '/Sales/East', version: 2 });
    expect((await getLead('rep.east.2', lead.id)).id).toBe(lead.id);
    const record = await waitFor('LeadAssigned', async () =>
      events.records.find((r) => r.key === lead.id && r.headers.ce_type === EventTypes.LeadAssigned.type),
    );
    expect(EventTypes.LeadAssigned.codec.decode(record.value!)).toMatchObject({ fromOwnerId: '', toOwnerId: rep2, ruleId: '', version: 2 });
  });

  it('refuses units the manager does not manage, leads outside the scope, reps and stale versions', async () => {
    const lead = await createLead('manager.east', { source: `${WEB}-hand`, province: '无人省' });
    await expect(
      assign('manager.east', { id: lead.id, expectedVersion: 1, toOwnerId: rep1, toOwnerUnit: '/Sales/West' }),
    ).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(
      assign('manager.west', { id: lead.id, expectedVersion: 1, toOwnerId: rep1, toOwnerUnit: '/Sales/West' }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      assign('rep.east.1', { id: lead.id, expectedVersion: 1, toOwnerId: rep1, toOwnerUnit: '/Sales/East' }),
    ).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(
      assign('manager.east', { id: lead.id, expectedVersion: 9, toOwnerId: rep1, toOwnerUnit: '/Sales/East' }),
    ).rejects.toMatchObject({
      code: 'version_conflict',
    });
    expect((await assign('admin', { id: lead.id, expectedVersion: 1, toOwnerId: 'anyone', toOwnerUnit: '/Sales/West' })).ownerUnit).toBe(
      '/Sales/West',
    );
  });
});
