import { EventTypes, salesLeadV1 } from '@liaison/contracts';
import { createGrpcClient, unary } from '@liaison/runtime';
import { collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { callerMetadata as as, startServiceUnderTest } from './support';
import type { RunningSalesPipelineService } from '../src/app';

// Leads (SAL-01) against the real stack: created by reps, read and changed in the sales scopes
// (a rep their own, a manager their units, director and analyst read all), moved through their
// statuses, every change announced on liaison.sales.v1 from the outbox.

const { LeadStatus, DisqualifyReason } = salesLeadV1;
const RUN = Date.now().toString(36);
let service: RunningSalesPipelineService;
let client: salesLeadV1.LeadServiceClient;
let events: RecordCollector;

beforeAll(async () => {
  events = await collectRecords(['liaison.sales.v1']);
  service = await startServiceUnderTest('sales_pipeline_it');
  client = createGrpcClient(salesLeadV1.LeadServiceClient, `127.0.0.1:${service.grpcPort}`, {
    serviceName: 'liaison.sales.v1.LeadService',
    idempotentMethods: ['GetLead', 'ListLeads'],
    deadlineMs: 10_000,
  });
});

afterAll(async () => {
  client?.close();
  await service?.host.stop();
  await events?.stop();
});

const newLead = (overrides: Partial<salesLeadV1.Lead> = {}) =>
  salesLeadV1.Lead.fromPartial({
    contactName: '韩梅梅',
    companyName: `宁波海曙精工机械 ${RUN}`,
    phone: '13912345678',
    source: '展会',
    province: '浙江省',
    city: '宁波市',
    description: '想了解数控机床联网方案',
    ...overrides,
  });
const create = async (username: string, lead = newLead()) =>
  (await unary(client.createLead.bind(client), { lead, assignByRules: false, allowDuplicate: true }, await as(username))).lead!;
const get = async (username: string, id: string) => (await unary(client.getLead.bind(client), { id }, await as(username))).lead!;
const list = async (username: string, request: Partial<salesLeadV1.ListLeadsRequest>) =>
  unary(client.listLeads.bind(client), salesLeadV1.ListLeadsRequest.fromPartial(request), await as(username));
const update = async (username: string, id: string, expectedVersion: number, lead: Partial<salesLeadV1.Lead>, updateMask: string[]) =>
  (
    await unary(
      client.updateLead.bind(client),
      { id, expectedVersion, lead: salesLeadV1.Lead.fromPartial(lead), updateMask },
      await as(username),
    )
  ).lead!;
const changeStatus = async (username: string, request: Partial<salesLeadV1.ChangeLeadStatusRequest>) =>
  (await unary(client.changeLeadStatus.bind(client), salesLeadV1.ChangeLeadStatusRequest.fromPartial(request), await as(username))).lead!;

describe('leads', () => {
  it('are created by a rep, owned by the rep in the rep’s unit, status new, version 1', async () => {
    const lead = await create('rep.east.1');
    expect(lead).toMatchObject({
      contactName: '韩梅梅',
      status: LeadStatus.LEAD_STATUS_NEW,
      ownerId: subjectOf(await userToken('rep.east.1')),
      ownerUnit: '/Sales/East',
      version: 1,
    });
    expect(lead.audit?.createTime).toBeInstanceOf(Date);
  });

  it('are read by their owner, the owner’s manager, the director and the analyst, and not found by anyone else', async () => {
    const lead = await create('rep.east.1');
    for (const reader of ['rep.east.1', 'manager.east', 'director', 'analyst', 'admin']) {
      expect((await get(reader, lead.id)).id).toBe(lead.id);
    }
    for (const outsider of ['rep.east.2', 'manager.west', 'rep.west.1']) {
      await expect(get(outsider, lead.id)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const unauthorised of ['service.agent', 'partner.acme']) {
      await expect(get(unauthorised, lead.id)).rejects.toMatchObject({ code: 'permission_denied' });
    }
  });

  it('list in the caller’s scope, newest first, filtered and paged', async () => {
    const tag = `分页${RUN}`;
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await create('rep.east.1', newLead({ companyName: `${tag} 公司${i}` })));
    await create('rep.east.2', newLead({ companyName: `${tag} 别人的` }));

    const first = await list('rep.east.1', { textContains: tag, page: { pageSize: 2, pageToken: '' } });
    expect(first.leads.map((lead) => lead.companyName)).toEqual([`${tag} 公司2`, `${tag} 公司1`]);
    const second = await list('rep.east.1', { textContains: tag, page: { pageSize: 2, pageToken: first.page!.nextPageToken } });
    expect(second.leads.map((lead) => lead.companyName)).toEqual([`${tag} 公司0`]);
    expect(second.page!.nextPageToken).toBe('');

    const managed = await list('manager.east', { textContains: tag });
    expect(managed.leads).toHaveLength(4);
    expect((await list('manager.west', { textContains: tag })).leads).toHaveLength(0);
    expect((await list('rep.east.1', { textContains: tag, statuses: [LeadStatus.LEAD_STATUS_QUALIFIED] })).leads).toHaveLength(0);
    // A token belongs to its list and filters.
    await expect(
      list('rep.east.1', { textContains: 'x', page: { pageSize: 2, pageToken: first.page!.nextPageToken } }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    expect(created).toHaveLength(3);
  });

  it('change the fields their mask names, with the version read; a stale version is refused', async () => {
    const lead = await create('rep.east.1');
    const updated = await update('rep.east.1', lead.id, 1, { phone: '0574-8765 4321', city: '不该改' }, ['phone']);
    expect(updated).toMatchObject({ phone: '0574-8765 4321', city: '宁波市', version: 2 });
    await expect(update('rep.east.1', lead.id, 1, { phone: '13800000000' }, ['phone'])).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(update('rep.east.1', lead.id, 2, { phone: '', email: '' }, ['phone'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(update('rep.east.1', lead.id, 2, { status: LeadStatus.LEAD_STATUS_CONVERTED }, ['status'])).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('are changed by their owner and the owner’s manager only: read-only readers are refused, others do not find them', async () => {
    const lead = await create('rep.east.1');
    expect((await update('manager.east', lead.id, 1, { source: '转介绍' }, ['source'])).version).toBe(2);
    await expect(update('rep.east.2', lead.id, 2, { source: 'x' }, ['source'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(update('manager.west', lead.id, 2, { source: 'x' }, ['source'])).rejects.toMatchObject({ code: 'not_found' });
    for (const reader of ['director', 'analyst']) {
      await expect(update(reader, lead.id, 2, { source: 'x' }, ['source'])).rejects.toMatchObject({ code: 'permission_denied' });
    }
    await expect(create('service.agent')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(create('analyst')).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('move through their statuses, disqualified with a reason and reopened, and each move is an event', async () => {
    const lead = await create('rep.east.1');
    const contacted = await changeStatus('rep.east.1', { id: lead.id, expectedVersion: 1, status: LeadStatus.LEAD_STATUS_CONTACTED });
    expect(contacted).toMatchObject({ status: LeadStatus.LEAD_STATUS_CONTACTED, version: 2 });
    await expect(
      changeStatus('rep.east.1', { id: lead.id, expectedVersion: 2, status: LeadStatus.LEAD_STATUS_DISQUALIFIED }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const disqualified = await changeStatus('rep.east.1', {
      id: lead.id,
      expectedVersion: 2,
      status: LeadStatus.LEAD_STATUS_DISQUALIFIED,
      disqualifyReason: DisqualifyReason.DISQUALIFY_REASON_NO_BUDGET,
      note: '明年再议',
    });
    expect(disqualified).toMatchObject({
      disqualifyReason: DisqualifyReason.DISQUALIFY_REASON_NO_BUDGET,
      statusNote: '明年再议',
      version: 3,
    });
    await expect(
      changeStatus('rep.east.1', { id: lead.id, expectedVersion: 3, status: LeadStatus.LEAD_STATUS_QUALIFIED }),
    ).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    const reopened = await changeStatus('rep.east.1', { id: lead.id, expectedVersion: 3, status: LeadStatus.LEAD_STATUS_NEW });
    expect(reopened).toMatchObject({
      status: LeadStatus.LEAD_STATUS_NEW,
      disqualifyReason: DisqualifyReason.DISQUALIFY_REASON_UNSPECIFIED,
      version: 4,
    });

    const mine = await waitFor('the lead’s four events', async () => {
      const records = events.records.filter((record) => record.key === lead.id);
      return records.length >= 4 ? records : undefined;
    });
    expect(mine.map((record) => record.headers.ce_type)).toEqual([
      EventTypes.LeadCreated.type,
      EventTypes.LeadStatusChanged.type,
      EventTypes.LeadStatusChanged.type,
      EventTypes.LeadStatusChanged.type,
    ]);
    const moves = mine.slice(1).map((record) => EventTypes.LeadStatusChanged.codec.decode(record.value!));
    expect(moves.map((move) => [move.fromStatus, move.toStatus, move.disqualifyReason, move.version])).toEqual([
      ['new', 'contacted', '', 2],
      ['contacted', 'disqualified', 'no_budget', 3],
      ['disqualified', 'new', '', 4],
    ]);
  });

  it('refuse bad ids, unknown statuses and overlong filters with the field named', async () => {
    await expect(get('rep.east.1', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(list('rep.east.1', { statuses: [99 as salesLeadV1.LeadStatus] })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(list('rep.east.1', { textContains: '长'.repeat(101) })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(changeStatus('rep.east.1', { id: '8d1f0a4e-2b7c-4c1e-9f3a-0e5d6c7b8a90', expectedVersion: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('refuse a second open lead with the same phone or e-mail unless told to allow it, as the same key in any notation', async () => {
    const digits = String(Date.now()).slice(-8);
    const phone = `139${digits}`;
    const first = await create('rep.east.1', newLead({ phone, email: `dup-${RUN}@example.cn` }));
    const metadata = await as('rep.east.2');
    const duplicate = newLead({ phone: `+86 139 ${digits.slice(0, 4)} ${digits.slice(4)}`, email: `DUP-${RUN}@example.cn` });
    await expect(
      unary(client.createLead.bind(client), { lead: duplicate, assignByRules: false, allowDuplicate: false }, metadata),
    ).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'duplicate_lead',
      violations: [{ field: 'lead.phone' }, { field: 'lead.email' }].map(expect.objectContaining),
    });
    expect(
      (await unary(client.createLead.bind(client), { lead: duplicate, assignByRules: false, allowDuplicate: true }, metadata)).lead!.id,
    ).not.toBe(first.id);

    // A disqualified lead blocks nothing.
    const closedPhone = `138${digits}`;
    const closed = await create('rep.east.1', newLead({ phone: closedPhone }));
    await changeStatus('rep.east.1', {
      id: closed.id,
      expectedVersion: 1,
      status: LeadStatus.LEAD_STATUS_DISQUALIFIED,
      disqualifyReason: DisqualifyReason.DISQUALIFY_REASON_NO_NEED,
    });
    await expect(
      unary(
        client.createLead.bind(client),
        { lead: newLead({ phone: closedPhone }), assignByRules: false, allowDuplicate: false },
        await as('rep.east.1'),
      ),
    ).resolves.toBeDefined();
  });

  it('find duplicates across owners by company name, phone and e-mail, naming only those the caller may read', async () => {
    const digits = String(Date.now() + 7).slice(-8);
    const company = `杭州云帆${RUN}科技有限公司`;
    const lead = await create('rep.east.1', newLead({ companyName: company, phone: `137${digits}` }));
    const find = async (user: string, given: Partial<salesLeadV1.Lead>) =>
      (await unary(client.findLeadDuplicates.bind(client), { lead: salesLeadV1.Lead.fromPartial(given) }, await as(user))).duplicates;
    const { DuplicateReason } = salesLeadV1;

    const forManager = await find('manager.east', { companyName: `杭州云帆${RUN}科技`, phone: `0137-${digits}` });
    expect(forManager).toEqual([
      expect.objectContaining({
        leadId: lead.id,
        companyName: company,
        visible: true,
        reasons: [DuplicateReason.DUPLICATE_REASON_NAME, DuplicateReason.DUPLICATE_REASON_PHONE],
      }),
    ]);
    const forOtherRep = await find('rep.east.2', { companyName: `杭州云帆${RUN}科技（有限公司）` });
    expect(forOtherRep).toEqual([
      {
        leadId: '',
        contactName: '',
        companyName: '',
        status: LeadStatus.LEAD_STATUS_NEW,
        ownerUnit: '/Sales/East',
        reasons: [DuplicateReason.DUPLICATE_REASON_NAME],
        visible: false,
      },
    ]);
    await expect(find('rep.east.2', {})).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(find('analyst', { phone: `137${digits}` })).rejects.toMatchObject({ code: 'permission_denied' });
  });
});
