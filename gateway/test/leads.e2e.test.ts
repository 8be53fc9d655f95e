import { EventTypes } from '@liaison/contracts';
import { collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem, type Reply } from './http';
import { startPlatform, type Platform } from './platform';

// Leads (线索, SAL-01) through the front door: Keycloak token → gateway → sales-pipeline service
// → PostgreSQL → outbox → Kafka, in the JSON of the public API.

const RUN = Date.now().toString(36);
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;

beforeAll(async () => {
  events = await collectRecords(['liaison.sales.v1']);
  platform = await startPlatform('leads_e2e');
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

const fieldsOf = (reply: Reply) => ((reply.body.violations ?? []) as { field: string }[]).map((violation) => violation.field).sort();

async function createLead(user: string, companyName: string): Promise<Reply> {
  const reply = await call('POST', '/leads', user, {
    contactName: '韩梅梅',
    companyName: `${companyName} ${RUN}`,
    phone: '139 1234 5678',
    source: '展会',
    province: '浙江省',
    city: '宁波市',
    description: '想了解数控机床联网方案\n预算待定',
    allowDuplicate: true,
  });
  expect(reply.status).toBe(201);
  return reply;
}

describe('leads through the gateway', () => {
  it('creates a lead in Chinese with its Location and ETag, reads it back, and announces it on liaison.sales.v1', async () => {
    const created = await createLead('rep.east.1', '宁波海曙精工机械');
    expect(created.headers.get('location')).toMatch(new RegExp(`/api/v1/leads/${created.body.id}$`));
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({
      contactName: '韩梅梅',
      email: null,
      status: 'new',
      disqualifyReason: null,
      ownerUnit: '/Sales/East',
    });
    const read = await call('GET', `/leads/${created.body.id}`, 'manager.east');
    expect(read.body).toEqual(created.body);

    const record = await waitFor('LeadCreated', async () => events.records.find((r) => r.key === created.body.id));
    expect(record.headers.ce_type).toBe(EventTypes.LeadCreated.type);
    expect(EventTypes.LeadCreated.codec.decode(record.value!)).toMatchObject({ leadId: created.body.id, source: '展会' });
  });

  it('names every bad field of a create in the JSON of the request', async () => {
    // Valid for the schema, refused by the service's rules: every field named at once.
    const reply = await call('POST', '/leads', 'rep.east.1', { contactName: ' ', companyName: '坏\u0007公司' });
    expectProblem(reply, 400, 'invalid_argument');
    expect(fieldsOf(reply)).toEqual(['companyName', 'contactName', 'phone']);
    expectProblem(await call('POST', '/leads', 'rep.east.1', { contactName: '张三', phone: 'call me' }), 400, 'validation_failed');
  });

  it('changes fields with If-Match, refuses a stale or missing version, and clears a field with null', async () => {
    const lead = (await createLead('rep.east.1', '杭州云帆')).body;
    const changed = await call(
      'PATCH',
      `/leads/${lead.id}`,
      'rep.east.1',
      { email: 'han@example.cn', description: null },
      { 'if-match': '"1"' },
    );
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ email: 'han@example.cn', description: null, version: 2 });
    expect(changed.headers.get('etag')).toBe('"2"');
    expectProblem(
      await call('PATCH', `/leads/${lead.id}`, 'rep.east.1', { source: '官网' }, { 'if-match': '"1"' }),
      412,
      'version_conflict',
    );
    expectProblem(await call('PATCH', `/leads/${lead.id}`, 'rep.east.1', { source: '官网' }), 428, 'precondition_required');
    expectProblem(await call('PATCH', `/leads/${lead.id}`, 'rep.east.1', { status: 'converted', version: 2 }), 400, 'validation_failed');
  });

  it('moves a lead through its statuses: a disqualification needs a reason, a wrong move is a conflict', async () => {
    const lead = (await createLead('rep.east.1', '苏州工业园区新材料')).body;
    const contacted = await call('POST', `/leads/${lead.id}/status`, 'rep.east.1', { status: 'contacted', version: 1 });
    expect(contacted.body).toMatchObject({ status: 'contacted', version: 2 });
    const noReason = await call('POST', `/leads/${lead.id}/status`, 'rep.east.1', { status: 'disqualified', version: 2 });
    expectProblem(noReason, 400, 'invalid_argument');
    expect(fieldsOf(noReason)).toEqual(['disqualifyReason']);
    const disqualified = await call('POST', `/leads/${lead.id}/status`, 'rep.east.1', {
      status: 'disqualified',
      disqualifyReason: 'chose_competitor',
      note: '选了友商',
      version: 2,
    });
    expect(disqualified.body).toMatchObject({ status: 'disqualified', disqualifyReason: 'chose_competitor', statusNote: '选了友商' });
    expectProblem(
      await call('POST', `/leads/${lead.id}/status`, 'rep.east.1', { status: 'qualified', version: 3 }),
      409,
      'failed_precondition',
    );
    expectProblem(
      await call('POST', `/leads/${lead.id}/status`, 'rep.east.1', { status: 'converted', version: 3 }),
      400,
      'validation_failed',
    );
  });

  it('lists in the caller’s scope with status and text filters, paged; a token of other filters is refused', async () => {
    const tag = `列表${RUN}`;
    for (let i = 0; i < 3; i++) await createLead('rep.west.1', `${tag} 公司${i}`);
    const first = await call('GET', `/leads?q=${encodeURIComponent(tag)}&status=new&pageSize=2`, 'manager.west');
    expect(first.body.items.map((lead: { companyName: string }) => lead.companyName)).toEqual([
      `${tag} 公司2 ${RUN}`,
      `${tag} 公司1 ${RUN}`,
    ]);
    const second = await call(
      'GET',
      `/leads?q=${encodeURIComponent(tag)}&status=new&pageSize=2&pageToken=${first.body.nextPageToken}`,
      'manager.west',
    );
    expect(second.body).toMatchObject({ items: [{ companyName: `${tag} 公司0 ${RUN}` }], nextPageToken: null });
    expect((await call('GET', `/leads?q=${encodeURIComponent(tag)}`, 'manager.east')).body.items).toEqual([]);
    const wrongToken = await call('GET', `/leads?q=other&pageToken=${first.body.nextPageToken}`, 'manager.west');
    expectProblem(wrongToken, 400, 'invalid_argument');
    expect(fieldsOf(wrongToken)).toEqual(['pageToken']);
    expectProblem(await call('GET', '/leads?status=won', 'manager.west'), 400, 'validation_failed');
  });

  it('hands leads out by the rules of a unit and by hand, within the units a manager manages', async () => {
    const [rep1, rep2] = [subjectOf(await userToken('rep.east.1')), subjectOf(await userToken('rep.east.2'))];
    const source = `展会-${RUN}`;
    const rule = await call('POST', '/lead-assignment-rules', 'manager.east', {
      name: '展会轮询',
      sources: [source],
      unit: '/Sales/East',
      members: [rep1, rep2],
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ priority: 100, enabled: true, provinces: [], version: 1 });
    const owners = [];
    for (let i = 0; i < 2; i++) {
      const lead = await call('POST', '/leads', 'manager.east', {
        contactName: '周女士',
        phone: '13600000000',
        source,
        assignByRules: true,
        allowDuplicate: true,
      });
      expect(lead.body.assignedByRuleId).toBe(rule.body.id);
      owners.push(lead.body.ownerId);
    }
    expect(owners).toEqual([rep1, rep2]);

    const waiting = await call('POST', '/leads', 'manager.east', {
      contactName: '吴先生',
      phone: '13600000001',
      source: '无规则',
      assignByRules: true,
      allowDuplicate: true,
    });
    expect(waiting.body).toMatchObject({ ownerId: null, ownerUnit: '/Sales/East', assignedByRuleId: null });
    const elsewhere = await call('POST', `/leads/${waiting.body.id}/assign`, 'manager.east', {
      toOwnerId: rep1,
      toOwnerUnit: '/Sales/West',
      version: 1,
    });
    expectProblem(elsewhere, 403, 'unit_not_managed');
    expect(fieldsOf(elsewhere)).toEqual(['toOwnerUnit']);
    const given = await call(
      'POST',
      `/leads/${waiting.body.id}/assign`,
      'manager.east',
      { toOwnerId: rep1, toOwnerUnit: '/Sales/East' },
      { 'if-match': '"1"' },
    );
    expect(given.body).toMatchObject({ ownerId: rep1, version: 2 });
    expectProblem(
      await call('POST', '/leads', 'rep.east.1', { contactName: '吴先生', phone: '13600000001', assignByRules: true }),
      403,
      'forbidden',
    );

    const listed = await call('GET', '/lead-assignment-rules', 'manager.west');
    expect(listed.body.items.map((item: { id: string }) => item.id)).not.toContain(rule.body.id);
    expectProblem(await call('DELETE', `/lead-assignment-rules/${rule.body.id}`, 'manager.east'), 428, 'precondition_required');
    expect((await call('DELETE', `/lead-assignment-rules/${rule.body.id}`, 'manager.east', undefined, { 'if-match': '"1"' })).status).toBe(
      204,
    );
  });

  it('refuses a second open lead with the same phone, naming it, and finds duplicates across owners', async () => {
    const phone = `135${String(Date.now()).slice(-8)}`;
    const first = await call('POST', '/leads', 'rep.east.1', { contactName: '郑先生', companyName: `查重 ${RUN} 有限公司`, phone });
    expect(first.status).toBe(201);
    const again = await call('POST', '/leads', 'rep.east.2', { contactName: '郑先生', phone: `+86 ${phone}` });
    expectProblem(again, 409, 'duplicate_lead');
    expect(fieldsOf(again)).toEqual(['phone']);
    expect((await call('POST', '/leads', 'rep.east.2', { contactName: '郑先生', phone, allowDuplicate: true })).status).toBe(201);

    const found = await call('POST', '/leads/duplicates', 'rep.east.2', { companyName: `查重 ${RUN}`, phone });
    expect(found.status).toBe(200);
    const hidden = found.body.items.find((item: { visible: boolean }) => !item.visible);
    expect(hidden).toEqual({
      leadId: null,
      contactName: null,
      companyName: null,
      status: 'new',
      ownerUnit: '/Sales/East',
      reasons: ['name', 'phone'],
      visible: false,
    });
    const mine = found.body.items.find((item: { visible: boolean }) => item.visible);
    expect(mine).toMatchObject({ contactName: '郑先生', reasons: ['phone'] });
    expectProblem(await call('POST', '/leads/duplicates', 'rep.east.2', {}), 400, 'validation_failed');
  });
});
