import { commonV1, contactEventsV1, contactV1, customerV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { callerMetadata, startServiceUnderTest } from './support';

// CUS-04 against the real stack: contacts under a customer, the customer's data scope applied
// to them, the one-primary rule, unique login accounts, the relation graph with its rules,
// soft delete, optimistic concurrency, and the events on liaison.customer.v1.

const { ContactPhoneKind: Phone, ContactImKind: Im, ContactRelationKind: Rel } = contactV1;
const run = Date.now().toString(36);
const UNKNOWN_ID = '8a1f3c52-0000-4000-8000-000000000000';
let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let contacts: contactV1.ContactServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

async function customerOf(owner: string, name: string): Promise<customerV1.Customer> {
  const request = customerV1.CreateCustomerRequest.fromPartial({
    name: `${name} ${run}`,
    kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY,
  });
  return (await unary(customers.createCustomer.bind(customers), request, await as(owner))).customer!;
}

async function createContact(username: string, customerId: string, fields: Partial<contactV1.Contact>): Promise<contactV1.Contact> {
  const request = contactV1.CreateContactRequest.fromPartial({ customerId, contact: fields });
  return (await unary(contacts.createContact.bind(contacts), request, await as(username))).contact!;
}

async function getContact(username: string, id: string): Promise<contactV1.Contact> {
  return (await unary(contacts.getContact.bind(contacts), { id }, await as(username))).contact!;
}

type ListFilter = { page?: Partial<commonV1.PageRequest>; nameContains?: string; phoneContains?: string };

async function listContacts(username: string, customerId: string, extra: ListFilter = {}) {
  return unary(
    contacts.listContacts.bind(contacts),
    contactV1.ListContactsRequest.fromPartial({ customerId, ...extra }),
    await as(username),
  );
}

async function updateContact(
  username: string,
  contact: Pick<contactV1.Contact, 'id' | 'version'>,
  fields: Partial<contactV1.Contact>,
  mask: string[],
) {
  const request = contactV1.UpdateContactRequest.fromPartial({
    id: contact.id,
    expectedVersion: contact.version,
    contact: fields,
    updateMask: mask,
  });
  return (await unary(contacts.updateContact.bind(contacts), request, await as(username))).contact!;
}

async function deleteContact(username: string, contact: Pick<contactV1.Contact, 'id' | 'version'>) {
  return unary(contacts.deleteContact.bind(contacts), { id: contact.id, expectedVersion: contact.version }, await as(username));
}

async function relate(username: string, from: string, to: string, kind: contactV1.ContactRelationKind, label = '') {
  return unary(contacts.setContactRelation.bind(contacts), { fromContactId: from, toContactId: to, kind, label }, await as(username));
}

async function unrelate(username: string, from: string, to: string) {
  return unary(contacts.removeContactRelation.bind(contacts), { fromContactId: from, toContactId: to }, await as(username));
}

async function graphOf(username: string, customerId: string) {
  return unary(contacts.getContactGraph.bind(contacts), { customerId }, await as(username));
}

const countRows = async (table: string) => Number((await pool.query(`SELECT count(*) FROM ${table}`)).rows[0].count);

const edgesOf = (graph: contactV1.GetContactGraphResponse) =>
  graph.edges.map((edge) => ({ from: edge.fromContactId, to: edge.toContactId, kind: edge.kind, label: edge.label }));

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_contacts_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-contacts-it', databaseUrl);
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: ['GetCustomer', 'ListCustomers'],
    deadlineMs: 10_000,
  });
  contacts = createGrpcClient(contactV1.ContactServiceClient, address, {
    serviceName: 'liaison.customer.v1.ContactService',
    idempotentMethods: ['GetContact', 'ListContacts', 'GetContactGraph'],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  customers?.close();
  contacts?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('contacts under a customer', () => {
  it('keeps every field of a Chinese contact record, cleaned', async () => {
    const customer = await customerOf('rep.east.1', '杭州西湖茶业有限公司');
    const contact = await createContact('rep.east.1', customer.id, {
      name: '  王建国 ',
      title: '采购总监',
      department: '采购部',
      phones: [
        { kind: Phone.CONTACT_PHONE_KIND_MOBILE, number: '138 0013 8000' },
        { kind: Phone.CONTACT_PHONE_KIND_OFFICE, number: '0571-8888 6666 转 801' },
      ],
      email: 'WangJG@XiHu-Tea.cn',
      imAccounts: [
        { kind: Im.CONTACT_IM_KIND_WECHAT, handle: 'wangjg_1975' },
        { kind: Im.CONTACT_IM_KIND_WECOM, handle: '王建国@西湖茶业' },
      ],
      address: '浙江省杭州市西湖区龙井路 1 号',
      birthday: { month: 2, day: 29, year: 0 },
      hobbies: ['钓鱼', ' 茶道 ', '钓鱼'],
      loginAccount: 'WangJG',
      isPrimary: true,
      notes: '喜欢早上联系\n不喝酒',
    });
    expect(contact).toMatchObject({
      customerId: customer.id,
      name: '王建国',
      email: 'wangjg@xihu-tea.cn',
      hobbies: ['钓鱼', '茶道'],
      loginAccount: 'wangjg',
      birthday: { month: 2, day: 29, year: 0 },
      isPrimary: true,
      version: 1,
      notes: '喜欢早上联系\n不喝酒',
    });
    expect(contact.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(contact.imAccounts[1]).toEqual({ kind: Im.CONTACT_IM_KIND_WECOM, handle: '王建国@西湖茶业' });
    expect(await getContact('rep.east.1', contact.id)).toEqual(contact);
    const withYear = await createContact('rep.east.1', customer.id, { name: '李秀英', birthday: { month: 10, day: 1, year: 1980 } });
    expect(withYear.birthday).toEqual({ month: 10, day: 1, year: 1980 });
    expect((await createContact('rep.east.1', customer.id, { name: 'Zhang Wei' })).birthday).toBeUndefined();
  });

  it('shows contacts exactly to those who see the customer, and lets only its writers change them', async () => {
    const customer = await customerOf('rep.east.1', '苏州精工机械');
    const contact = await createContact('rep.east.1', customer.id, { name: '周明' });
    for (const outsider of ['rep.east.2', 'rep.west.1', 'manager.west', 'partner.acme']) {
      await expect(getContact(outsider, contact.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(listContacts(outsider, customer.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(graphOf(outsider, customer.id)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const insider of ['manager.east', 'director', 'admin', 'service.agent', 'analyst']) {
      expect((await getContact(insider, contact.id)).name).toBe('周明');
      expect((await listContacts(insider, customer.id)).contacts.map((c) => c.id)).toEqual([contact.id]);
    }
    // Other owners' customers are out of reach for writes too, and say so with not_found.
    await expect(createContact('rep.east.2', customer.id, { name: '越权' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(createContact('manager.west', customer.id, { name: '越权' })).rejects.toMatchObject({ code: 'not_found' });
    await expect(updateContact('rep.west.1', contact, { title: '越权' }, ['title'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(deleteContact('manager.west', contact)).rejects.toMatchObject({ code: 'not_found' });
    // Readers without the write permission are refused before the scope is consulted.
    await expect(createContact('analyst', customer.id, { name: '分析师' })).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(updateContact('service.agent', contact, { title: '客服' }, ['title'])).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(updateContact('director', contact, { title: '总监' }, ['title'])).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(deleteContact('rep.east.1', contact)).rejects.toMatchObject({ code: 'permission_denied' });
    expect(await updateContact('manager.east', contact, { title: '厂长' }, ['title'])).toMatchObject({ title: '厂长', version: 2 });
    expect((await getContact('rep.east.1', contact.id)).title).toBe('厂长');
  });

  it('lets a partner read the contacts of a customer shared with it, and nothing more', async () => {
    const shared = await customerOf('rep.east.2', '宁波合作客户');
    await pool.query('INSERT INTO customer_shares (customer_id, unit) VALUES ($1, $2)', [shared.id, '/Partners/Acme']);
    const contact = await createContact('rep.east.2', shared.id, { name: '陈静' });
    expect((await getContact('partner.acme', contact.id)).name).toBe('陈静');
    expect((await graphOf('partner.acme', shared.id)).nodes.map((n) => n.id)).toEqual([contact.id]);
    await expect(createContact('partner.acme', shared.id, { name: '伙伴' })).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(updateContact('partner.acme', contact, { title: '伙伴' }, ['title'])).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it('keeps at most one primary contact per customer, moving the flag in one transaction', async () => {
    const customer = await customerOf('rep.west.1', '成都天府软件');
    const first = await createContact('rep.west.1', customer.id, { name: '刘洋', isPrimary: true });
    const second = await createContact('rep.west.1', customer.id, { name: '杨帆', isPrimary: true });
    const primaries = async () => (await listContacts('rep.west.1', customer.id)).contacts.filter((c) => c.isPrimary).map((c) => c.name);
    expect(await primaries()).toEqual(['杨帆']);
    const demoted = await getContact('rep.west.1', first.id);
    expect(demoted).toMatchObject({ isPrimary: false, version: 2 });
    await updateContact('rep.west.1', demoted, { isPrimary: true }, ['is_primary']);
    expect(await primaries()).toEqual(['刘洋']);
    expect((await getContact('rep.west.1', second.id)).version).toBe(2);
    // Another customer's primary is not touched.
    const other = await customerOf('rep.west.1', '重庆山城物流');
    await createContact('rep.west.1', other.id, { name: '黄磊', isPrimary: true });
    expect(await primaries()).toEqual(['刘洋']);
    const { rows } = await pool.query('SELECT count(*) FROM contacts WHERE customer_id = $1 AND is_primary AND deleted_at IS NULL', [
      customer.id,
    ]);
    expect(Number(rows[0].count)).toBe(1);
  });

  it("keeps login accounts unique among a customer's live contacts, ignoring case", async () => {
    const customer = await customerOf('rep.east.1', '门户账号测试');
    const holder = await createContact('rep.east.1', customer.id, { name: '孙丽', loginAccount: 'sunli' });
    await expect(createContact('rep.east.1', customer.id, { name: '孙莉', loginAccount: 'SunLi' })).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'login_account_taken',
      violations: [{ field: 'login_account', message: expect.any(String) }],
    });
    const other = await createContact('rep.east.1', customer.id, { name: '孙莉' });
    await expect(updateContact('rep.east.1', other, { loginAccount: 'sunli' }, ['login_account'])).rejects.toMatchObject({
      code: 'already_exists',
    });
    const elsewhere = await customerOf('rep.east.1', '另一家公司');
    expect((await createContact('rep.east.1', elsewhere.id, { name: '孙丽', loginAccount: 'sunli' })).loginAccount).toBe('sunli');
    await deleteContact('manager.east', holder);
    expect((await updateContact('rep.east.1', other, { loginAccount: 'sunli' }, ['login_account'])).loginAccount).toBe('sunli');
  });

  it('relates contacts of one customer: reports-to without cycles, influences, other with a label', async () => {
    const customer = await customerOf('rep.east.1', '温州瓯海鞋业');
    const [boss, manager, buyer, engineer] = await Promise.all(
      ['董事长 郑国强', '经理 吴敏', '采购 冯涛', '工程师 何静'].map((name) => createContact('rep.east.1', customer.id, { name })),
    );
    expect((await relate('rep.east.1', manager.id, boss.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO)).created).toBe(true);
    await relate('rep.east.1', buyer.id, manager.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO);
    await relate('rep.east.1', engineer.id, boss.id, Rel.CONTACT_RELATION_KIND_INFLUENCES);
    await relate('rep.east.1', engineer.id, buyer.id, Rel.CONTACT_RELATION_KIND_OTHER, '大学同学');

    await expect(relate('rep.east.1', boss.id, buyer.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO)).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'reporting_cycle',
    });
    await expect(relate('rep.east.1', boss.id, manager.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO)).rejects.toMatchObject({
      code: 'failed_precondition',
    });
    // Influence may run against the reporting line.
    await relate('rep.east.1', boss.id, buyer.id, Rel.CONTACT_RELATION_KIND_INFLUENCES);
    await expect(relate('rep.east.1', boss.id, boss.id, Rel.CONTACT_RELATION_KIND_OTHER)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(relate('rep.east.1', boss.id, manager.id, Rel.CONTACT_RELATION_KIND_UNSPECIFIED)).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(relate('rep.east.1', boss.id, manager.id, Rel.CONTACT_RELATION_KIND_OTHER, '关'.repeat(51))).rejects.toMatchObject({
      code: 'invalid_argument',
    });

    // Across customers: refused even where the caller may see both; invisible when it may not.
    const otherCustomer = await customerOf('rep.east.1', '另一个客户');
    const stranger = await createContact('rep.east.1', otherCustomer.id, { name: '外人' });
    await expect(relate('rep.east.1', boss.id, stranger.id, Rel.CONTACT_RELATION_KIND_INFLUENCES)).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'to_contact_id', message: 'must be a contact of the same customer' }],
    });
    const foreign = await createContact('rep.west.1', (await customerOf('rep.west.1', '西区客户')).id, { name: '西区联系人' });
    await expect(relate('rep.east.1', boss.id, foreign.id, Rel.CONTACT_RELATION_KIND_INFLUENCES)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(relate('rep.west.1', foreign.id, boss.id, Rel.CONTACT_RELATION_KIND_INFLUENCES)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(relate('rep.east.2', manager.id, boss.id, Rel.CONTACT_RELATION_KIND_INFLUENCES)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(relate('analyst', manager.id, boss.id, Rel.CONTACT_RELATION_KIND_INFLUENCES)).rejects.toMatchObject({
      code: 'permission_denied',
    });

    // Setting the same relation again changes nothing; a new kind replaces the old one.
    expect((await relate('rep.east.1', engineer.id, buyer.id, Rel.CONTACT_RELATION_KIND_OTHER, '大学同学')).created).toBe(false);
    const replaced = await relate('rep.east.1', engineer.id, boss.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO);
    expect(replaced).toMatchObject({ created: false, relation: { kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO, label: '' } });

    const graph = await graphOf('manager.east', customer.id);
    expect(new Set(graph.nodes.map((n) => n.id))).toEqual(new Set([boss.id, manager.id, buyer.id, engineer.id]));
    expect(edgesOf(graph)).toEqual(
      expect.arrayContaining([
        { from: manager.id, to: boss.id, kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO, label: '' },
        { from: buyer.id, to: manager.id, kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO, label: '' },
        { from: engineer.id, to: boss.id, kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO, label: '' },
        { from: engineer.id, to: buyer.id, kind: Rel.CONTACT_RELATION_KIND_OTHER, label: '大学同学' },
        { from: boss.id, to: buyer.id, kind: Rel.CONTACT_RELATION_KIND_INFLUENCES, label: '' },
      ]),
    );
    expect(graph.edges).toHaveLength(5);

    await unrelate('rep.east.1', buyer.id, manager.id);
    await expect(unrelate('rep.east.1', buyer.id, manager.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(unrelate('rep.west.1', manager.id, boss.id)).rejects.toMatchObject({ code: 'not_found' });
    // With buyer → manager gone, the boss may now report to the buyer without a cycle.
    await relate('rep.east.1', boss.id, buyer.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO);

    // Deleting a contact takes its relations with it; the graph never points at it.
    await deleteContact('manager.east', await getContact('rep.east.1', buyer.id));
    const after = await graphOf('rep.east.1', customer.id);
    expect(after.nodes.map((n) => n.id)).not.toContain(buyer.id);
    expect(edgesOf(after)).toEqual([
      { from: manager.id, to: boss.id, kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO, label: '' },
      { from: engineer.id, to: boss.id, kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO, label: '' },
    ]);
  });

  it('updates with optimistic concurrency and a field mask', async () => {
    const customer = await customerOf('rep.east.2', '乐观锁测试');
    const contact = await createContact('rep.east.2', customer.id, { name: '马超', hobbies: ['篮球'] });
    const updated = await updateContact('rep.east.2', contact, { hobbies: ['篮球', '围棋'], title: '总经理', name: 'ignored' }, [
      'hobbies',
      'title',
    ]);
    expect(updated).toMatchObject({ version: 2, name: '马超', title: '总经理', hobbies: ['篮球', '围棋'] });
    await expect(updateContact('rep.east.2', contact, { title: '旧版本' }, ['title'])).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(deleteContact('manager.east', contact)).rejects.toMatchObject({ code: 'version_conflict' });
    await expect(updateContact('rep.east.2', { id: contact.id, version: 0 }, { title: 'x' }, ['title'])).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    const cleared = await updateContact('rep.east.2', updated, { title: '', birthday: undefined }, ['title', 'birthday']);
    expect(cleared).toMatchObject({ version: 3, title: '' });
    // A change to nothing is no change: same version, no event.
    expect((await updateContact('rep.east.2', cleared, { title: '' }, ['title'])).version).toBe(3);
    expect((await getContact('rep.east.2', contact.id)).version).toBe(3);
  });

  it('soft-deletes: the contact disappears from every read but its row stays', async () => {
    const customer = await customerOf('rep.east.1', '软删除测试');
    const keep = await createContact('rep.east.1', customer.id, { name: '留下' });
    const gone = await createContact('rep.east.1', customer.id, { name: '删除', isPrimary: true });
    await deleteContact('manager.east', gone);
    await expect(getContact('rep.east.1', gone.id)).rejects.toMatchObject({ code: 'not_found' });
    expect((await listContacts('rep.east.1', customer.id)).contacts.map((c) => c.id)).toEqual([keep.id]);
    expect((await graphOf('rep.east.1', customer.id)).nodes.map((n) => n.id)).toEqual([keep.id]);
    await expect(updateContact('rep.east.1', { id: gone.id, version: 2 }, { name: '复活' }, ['name'])).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(deleteContact('manager.east', { id: gone.id, version: 2 })).rejects.toMatchObject({ code: 'not_found' });
    const { rows } = await pool.query('SELECT deleted_at, deleted_by FROM contacts WHERE id = $1', [gone.id]);
    expect(rows[0].deleted_at).toBeInstanceOf(Date);
    // The deleted primary no longer blocks a new one.
    expect((await createContact('rep.east.1', customer.id, { name: '新主联系人', isPrimary: true })).isPrimary).toBe(true);
  });

  it("lists one customer's contacts in creation order with cursor paging and name or phone fragments", async () => {
    const customer = await customerOf('rep.west.1', '分页测试');
    const names = ['赵一', '钱二', '孙三', '李四', 'Zhou Wu'];
    const phones = ['138 0000 1111', '139-0000-2222', '021 6000 3333', '186 0000 4444', '+44 20 7946 0555'];
    const created = [];
    for (const [index, name] of names.entries()) {
      const kind = index === 2 ? Phone.CONTACT_PHONE_KIND_OFFICE : Phone.CONTACT_PHONE_KIND_MOBILE;
      const extra = index === 0 ? [{ kind: Phone.CONTACT_PHONE_KIND_OFFICE, number: '021 0000 9999' }] : [];
      created.push(await createContact('rep.west.1', customer.id, { name, phones: [{ kind, number: phones[index] }, ...extra] }));
    }
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await listContacts('manager.west', customer.id, { page: { pageSize: 2, pageToken } });
      expect(page.contacts.length).toBeLessThanOrEqual(2);
      seen.push(...page.contacts.map((c) => c.id));
      pageToken = page.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen).toEqual(created.map((c) => c.id));
    const found = async (filter: ListFilter) => (await listContacts('rep.west.1', customer.id, filter)).contacts.map((c) => c.name);
    expect(await found({ nameContains: '四' })).toEqual(['李四']);
    expect(await found({ nameContains: 'zhou' })).toEqual(['Zhou Wu']);
    expect(await found({ phoneContains: '2222' })).toEqual(['钱二']);
    expect(await found({ phoneContains: '6000 33' })).toEqual(['孙三']);
    // Digits of two different numbers never join into a match.
    expect(await found({ phoneContains: '11110' })).toEqual([]);
    const first = await listContacts('rep.west.1', customer.id, { page: { pageSize: 1 } });
    const otherCustomer = await customerOf('rep.west.1', '另一个分页');
    await expect(
      listContacts('rep.west.1', otherCustomer.id, { page: { pageSize: 1, pageToken: first.page!.nextPageToken } }),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
  });

  it('refuses bad input with named fields and writes nothing, not even to the outbox', async () => {
    const customer = await customerOf('rep.east.1', '坏输入测试');
    const contact = await createContact('rep.east.1', customer.id, { name: '正常' });
    const [contactsBefore, outboxBefore] = [await countRows('contacts'), await countRows('outbox')];
    const refused = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ code: 'invalid_argument' });
    const fieldsOf = async (promise: Promise<unknown>) =>
      promise.then(
        () => [],
        (error: { violations: { field: string }[] }) => error.violations.map((v) => v.field),
      );
    expect(
      await fieldsOf(
        createContact('rep.east.1', customer.id, {
          name: '',
          phones: [
            { kind: Phone.CONTACT_PHONE_KIND_MOBILE, number: '12345' },
            { kind: Phone.CONTACT_PHONE_KIND_UNSPECIFIED, number: '021 6888 8888' },
          ],
          email: 'nope',
          imAccounts: [{ kind: Im.CONTACT_IM_KIND_QQ, handle: '' }],
          birthday: { month: 2, day: 30, year: 0 },
          loginAccount: '登录',
        }),
      ),
    ).toEqual(['name', 'email', 'login_account', 'phones[0]', 'phones[1]', 'im_accounts[0].handle', 'birthday']);
    await refused(createContact('rep.east.1', customer.id, { name: '王'.repeat(101) }));
    await refused(
      createContact('rep.east.1', customer.id, { name: '未来', birthday: { month: 1, day: 1, year: new Date().getFullYear() + 1 } }),
    );
    await refused(createContact('rep.east.1', customer.id, { name: '只有年', birthday: { month: 0, day: 0, year: 1980 } }));
    await refused(createContact('rep.east.1', 'not-a-uuid', { name: '坏客户' }));
    await expect(createContact('rep.east.1', UNKNOWN_ID, { name: '无此客户' })).rejects.toMatchObject({ code: 'not_found' });
    await refused(updateContact('rep.east.1', contact, { customerId: UNKNOWN_ID }, ['customer_id']));
    await refused(updateContact('rep.east.1', contact, {}, []));
    await refused(updateContact('rep.east.1', contact, { name: '' }, ['name']));
    await refused(getContact('rep.east.1', 'not-a-uuid'));
    await expect(getContact('rep.east.1', UNKNOWN_ID)).rejects.toMatchObject({ code: 'not_found' });
    await refused(listContacts('rep.east.1', customer.id, { page: { pageSize: 201 } }));
    await refused(listContacts('rep.east.1', customer.id, { page: { pageToken: 'garbage' } }));
    await refused(listContacts('rep.east.1', customer.id, { phoneContains: '1-2' }));
    await refused(relate('rep.east.1', contact.id, 'not-a-uuid', Rel.CONTACT_RELATION_KIND_OTHER));
    await refused(graphOf('rep.east.1', 'not-a-uuid'));
    expect(await countRows('contacts')).toBe(contactsBefore);
    expect(await countRows('outbox')).toBe(outboxBefore);
  });

  it('publishes contact events to liaison.customer.v1 keyed by the customer id', async () => {
    const customer = await customerOf('rep.east.1', '武汉光谷电子');
    const first = await createContact('rep.east.1', customer.id, { name: '邓超', isPrimary: true });
    const second = await createContact('rep.east.1', customer.id, { name: '孙俪', isPrimary: true });
    await relate('rep.east.1', second.id, first.id, Rel.CONTACT_RELATION_KIND_INFLUENCES, '夫妻');
    const renamed = await updateContact('rep.east.1', second, { name: '孙俪（采购）', title: '采购经理' }, ['name', 'title']);
    await unrelate('rep.east.1', second.id, first.id);
    await relate('rep.east.1', first.id, second.id, Rel.CONTACT_RELATION_KIND_REPORTS_TO);
    await deleteContact('manager.east', renamed);

    const mine = await waitFor('all contact events', async () => {
      const found = events.records.filter((record) => record.key === customer.id && record.headers.ce_type.includes('.Contact'));
      return found.length >= 8 ? found : undefined;
    });
    expect(mine.map((r) => [r.headers.ce_type.replace('liaison.events.v1.', ''), r.headers.ce_subject])).toEqual([
      ['ContactCreated', first.id],
      ['ContactUpdated', first.id],
      ['ContactCreated', second.id],
      ['ContactRelationChanged', second.id],
      ['ContactUpdated', second.id],
      ['ContactRelationChanged', second.id],
      ['ContactRelationChanged', first.id],
      ['ContactDeleted', second.id],
    ]);
    for (const record of mine)
      expect(record.headers).toMatchObject({ 'ce_source': 'liaison.customer', 'content-type': 'application/protobuf' });
    expect(contactEventsV1.ContactCreated.decode(mine[0].value!).contact).toMatchObject({
      id: first.id,
      name: '邓超',
      customerId: customer.id,
    });
    expect(contactEventsV1.ContactUpdated.decode(mine[1].value!)).toMatchObject({
      changedFields: ['is_primary'],
      contact: { isPrimary: false, version: 2 },
    });
    expect(contactEventsV1.ContactRelationChanged.decode(mine[3].value!)).toMatchObject({
      customerId: customer.id,
      relation: { fromContactId: second.id, toContactId: first.id, kind: Rel.CONTACT_RELATION_KIND_INFLUENCES, label: '夫妻' },
    });
    expect(contactEventsV1.ContactRelationChanged.decode(mine[3].value!).previous).toBeUndefined();
    expect(contactEventsV1.ContactUpdated.decode(mine[4].value!)).toMatchObject({
      changedFields: ['name', 'title'],
      contact: { name: '孙俪（采购）', version: 2 },
    });
    const removed = contactEventsV1.ContactRelationChanged.decode(mine[5].value!);
    expect(removed.relation).toBeUndefined();
    expect(removed.previous).toMatchObject({ fromContactId: second.id, toContactId: first.id });
    const deleted = contactEventsV1.ContactDeleted.decode(mine[7].value!);
    expect(deleted.contact).toMatchObject({ id: second.id, name: '孙俪（采购）' });
    expect(deleted.removedRelations).toEqual([
      expect.objectContaining({ fromContactId: first.id, toContactId: second.id, kind: Rel.CONTACT_RELATION_KIND_REPORTS_TO }),
    ]);
  });
});
