import { randomUUID } from 'node:crypto';
import { customerV1, followUpEventsV1, followUpV1, historyV1 } from '@liaison/contracts';
import { createGrpcClient, createPool, unary, type Pool } from '@liaison/runtime';
import { collectRecords, ensureDatabase, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { todayInChina } from '../src/domain/lifecycle';
import { callerMetadata, startServiceUnderTest } from './support';

// CUS-09 follow-up records with supervisors' annotations and CUS-16 revision history, with the
// customer service in-process against the real PostgreSQL, Kafka and Keycloak.

const { FollowUpMethod: M, FollowUpReminder: R } = followUpV1;
const HOUR = 3_600_000;
const run = Date.now().toString(36);
let service: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let followUps: followUpV1.FollowUpServiceClient;
let history: historyV1.CustomerHistoryServiceClient;
let pool: Pool;
let events: RecordCollector;

const as = callerMetadata;

const userIdOf = async (username: string) => subjectOf(await userToken(username));

async function createCustomer(username: string, name: string): Promise<customerV1.Customer> {
  const request = customerV1.CreateCustomerRequest.fromPartial({
    name: `${name} ${run}`,
    kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY,
  });
  return (await unary(customers.createCustomer.bind(customers), request, await as(username))).customer!;
}

async function record(
  username: string,
  customerId: string,
  fields: Partial<followUpV1.CreateFollowUpRequest> = {},
): Promise<followUpV1.FollowUp> {
  const request = followUpV1.CreateFollowUpRequest.fromPartial({
    customerId,
    method: M.FOLLOW_UP_METHOD_VISIT,
    content: '上门拜访，客户对报价有兴趣。',
    ...fields,
  });
  return (await unary(followUps.createFollowUp.bind(followUps), request, await as(username))).followUp!;
}

const get = async (username: string, id: string) =>
  (await unary(followUps.getFollowUp.bind(followUps), { id }, await as(username))).followUp!;

interface ListOptions {
  page?: { pageSize: number; pageToken: string };
  filter?: Partial<followUpV1.FollowUpFilter>;
}

async function listOfCustomer(username: string, customerId: string, options: ListOptions = {}) {
  const request = followUpV1.ListFollowUpsRequest.fromPartial({ customerId, ...options });
  return unary(followUps.listFollowUps.bind(followUps), request, await as(username));
}

async function listOfTeam(username: string, filter: Partial<followUpV1.FollowUpFilter>, page?: { pageSize: number; pageToken: string }) {
  const request = followUpV1.ListTeamFollowUpsRequest.fromPartial({ filter, page });
  return unary(followUps.listTeamFollowUps.bind(followUps), request, await as(username));
}

async function annotate(username: string, followUpId: string, comment: string) {
  return unary(followUps.annotateFollowUp.bind(followUps), { followUpId, comment }, await as(username));
}

async function update(username: string, id: string, fields: Partial<followUpV1.FollowUp>, updateMask: string[]) {
  const request = followUpV1.UpdateFollowUpRequest.fromPartial({ id, followUp: fields, updateMask });
  return (await unary(followUps.updateFollowUp.bind(followUps), request, await as(username))).followUp!;
}

async function lastContactedAt(customerId: string): Promise<Date | null> {
  const { rows } = await pool.query<{ last_contacted_at: Date | null }>('SELECT last_contacted_at FROM customers WHERE id = $1', [
    customerId,
  ]);
  return rows[0].last_contacted_at;
}

const countRows = async (sql: string, values: unknown[]) => Number((await pool.query(sql, values)).rows[0].count);

function eventsOf(customerId: string, count: number) {
  return waitFor(`${count} events of ${customerId}`, async () => {
    const found = events.records.filter((item) => item.key === customerId);
    return found.length >= count ? found : undefined;
  });
}

/** The day after tomorrow in China, always in the future whatever the hour. */
function daysAhead(days: number): string {
  return todayInChina(new Date(Date.now() + days * 24 * HOUR));
}

beforeAll(async () => {
  const databaseUrl = await ensureDatabase('customer_followups_it');
  events = await collectRecords(['liaison.customer.v1']);
  service = await startServiceUnderTest('customer-followups-it', databaseUrl);
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = createGrpcClient(customerV1.CustomerServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerService',
    idempotentMethods: [],
    deadlineMs: 10_000,
  });
  followUps = createGrpcClient(followUpV1.FollowUpServiceClient, address, {
    serviceName: 'liaison.customer.v1.FollowUpService',
    idempotentMethods: ['GetFollowUp', 'ListFollowUps', 'ListTeamFollowUps'],
    deadlineMs: 10_000,
  });
  history = createGrpcClient(historyV1.CustomerHistoryServiceClient, address, {
    serviceName: 'liaison.customer.v1.CustomerHistoryService',
    idempotentMethods: ['GetCustomerHistory'],
    deadlineMs: 10_000,
  });
  pool = createPool(databaseUrl);
});

afterAll(async () => {
  customers?.close();
  followUps?.close();
  history?.close();
  await events?.stop();
  await pool?.end();
  await service?.host.stop();
});

describe('follow-up records', () => {
  it("records a Chinese visit note by the caller and moves the customer's last contact forward, never back", async () => {
    const customer = await createCustomer('rep.east.1', '杭州西湖茶业');
    const occurTime = new Date(Date.now() - 2 * HOUR);
    const next = daysAhead(3);
    const created = await record('rep.east.1', customer.id, {
      method: M.FOLLOW_UP_METHOD_WECHAT,
      content: '  微信沟通：客户希望下周三到厂参观，🍵 带样品。\n需准备报价单。  ',
      occurTime,
      nextFollowUpDate: next,
      reminder: R.FOLLOW_UP_REMINDER_KEY,
    });
    expect(created).toMatchObject({
      customerId: customer.id,
      contactId: '',
      method: M.FOLLOW_UP_METHOD_WECHAT,
      content: '微信沟通：客户希望下周三到厂参观，🍵 带样品。\n需准备报价单。',
      occurTime,
      nextFollowUpDate: next,
      reminder: R.FOLLOW_UP_REMINDER_KEY,
      authorId: await userIdOf('rep.east.1'),
      annotations: [],
    });
    expect(created.editableUntil!.getTime() - created.audit!.createTime!.getTime()).toBe(24 * HOUR);
    expect(await lastContactedAt(customer.id)).toEqual(occurTime);
    await record('rep.east.1', customer.id, { occurTime: new Date(Date.now() - 48 * HOUR), content: '补录：上周的电话' });
    expect(await lastContactedAt(customer.id)).toEqual(occurTime);
    expect(await get('rep.east.1', created.id)).toEqual(created);
  });

  it('defaults the occurrence to now and the reminder to none, and repeats an idempotent create', async () => {
    const customer = await createCustomer('rep.east.2', '重复提交跟进');
    const before = Date.now();
    const requestId = `fu-${run}`;
    const first = await record('rep.east.2', customer.id, { requestId });
    expect(first.occurTime!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(first.reminder).toBe(R.FOLLOW_UP_REMINDER_NONE);
    expect((await record('rep.east.2', customer.id, { requestId })).id).toBe(first.id);
    expect(await countRows('SELECT count(*) FROM follow_ups WHERE customer_id = $1', [customer.id])).toBe(1);
  });

  it('refuses bad input with field violations and writes nothing, not even to the outbox', async () => {
    const customer = await createCustomer('rep.east.1', '校验客户');
    const outboxBefore = await countRows('SELECT count(*) FROM outbox WHERE key = $1', [customer.id]);
    const refuse = (fields: Partial<followUpV1.CreateFollowUpRequest>, field: string) =>
      expect(record('rep.east.1', customer.id, fields)).rejects.toMatchObject({
        code: 'invalid_argument',
        violations: [expect.objectContaining({ field })],
      });
    await refuse({ content: '' }, 'content');
    await refuse({ content: '字'.repeat(5001) }, 'content');
    await refuse({ method: M.FOLLOW_UP_METHOD_UNSPECIFIED }, 'method');
    await refuse({ occurTime: new Date(Date.now() + 2 * HOUR) }, 'occur_time');
    await refuse({ nextFollowUpDate: '2020-01-01' }, 'next_follow_up_date');
    await refuse({ nextFollowUpDate: '明天' }, 'next_follow_up_date');
    await refuse({ reminder: R.FOLLOW_UP_REMINDER_NORMAL }, 'reminder');
    await refuse({ contactId: 'not-a-uuid' }, 'contact_id');
    await refuse({ contactId: randomUUID() }, 'contact_id');
    await expect(record('rep.east.1', 'not-a-uuid')).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await countRows('SELECT count(*) FROM follow_ups WHERE customer_id = $1', [customer.id])).toBe(0);
    expect(await countRows('SELECT count(*) FROM outbox WHERE key = $1', [customer.id])).toBe(outboxBefore);
    expect(await lastContactedAt(customer.id)).toBeNull();
  });

  it('names a contact of the customer, and refuses a contact of another customer', async () => {
    const [mine, other] = [await createCustomer('rep.east.1', '有联系人的客户'), await createCustomer('rep.east.1', '别的客户')];
    const contactId = randomUUID();
    await pool.query('INSERT INTO contacts (id, customer_id, name, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)', [
      contactId,
      mine.id,
      '王经理',
      'test',
    ]);
    expect((await record('rep.east.1', mine.id, { contactId })).contactId).toBe(contactId);
    await expect(record('rep.east.1', other.id, { contactId })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [expect.objectContaining({ field: 'contact_id' })],
    });
  });

  it('records only on customers the caller may change, by roles that may record', async () => {
    const customer = await createCustomer('rep.east.1', '记录权限');
    await expect(record('rep.east.2', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(record('manager.west', customer.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(record('director', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(record('analyst', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(record('service.agent', customer.id)).rejects.toMatchObject({ code: 'permission_denied' });
    expect((await record('manager.east', customer.id)).authorId).toBe(await userIdOf('manager.east'));
    expect((await record('admin', customer.id)).authorId).toBe(await userIdOf('admin'));
  });
});

describe('who sees follow-up records', () => {
  let customer: customerV1.Customer;
  let visit: followUpV1.FollowUp;
  const marker = new Date(Date.now() - 5 * HOUR - (Date.now() % 100_000));

  beforeAll(async () => {
    customer = await createCustomer('rep.east.1', '范围测试客户');
    visit = await record('rep.east.1', customer.id, { occurTime: marker, content: '范围测试：拜访记录' });
  });

  it("hides a rep's records from the other rep of the same unit and from another unit's manager", async () => {
    for (const user of ['rep.east.2', 'manager.west', 'rep.west.1']) {
      await expect(get(user, visit.id)).rejects.toMatchObject({ code: 'not_found' });
      await expect(listOfCustomer(user, customer.id)).rejects.toMatchObject({ code: 'not_found' });
      const team = await listOfTeam(user, { occurredFrom: marker, occurredTo: new Date(marker.getTime() + 1) });
      expect(team.followUps.map((item) => item.id)).not.toContain(visit.id);
    }
    await expect(get('analyst', visit.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(get('partner.acme', visit.id)).rejects.toMatchObject({ code: 'permission_denied' });
  });

  it("shows them to the unit's manager, the director and the service desk, in the team list too", async () => {
    for (const user of ['manager.east', 'director', 'admin', 'service.agent', 'rep.east.1']) {
      expect((await get(user, visit.id)).id).toBe(visit.id);
      expect((await listOfCustomer(user, customer.id)).followUps.map((item) => item.id)).toContain(visit.id);
      const team = await listOfTeam(user, { occurredFrom: marker, occurredTo: new Date(marker.getTime() + 1) });
      expect(team.followUps.map((item) => item.id)).toEqual([visit.id]);
    }
  });

  it('answers not_found for unknown ids and invalid_argument for malformed ones', async () => {
    await expect(get('admin', randomUUID())).rejects.toMatchObject({ code: 'not_found' });
    await expect(get('admin', 'nope')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(listOfCustomer('admin', randomUUID())).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('listing follow-up records', () => {
  it('pages newest occurrence first and filters by method, author and time range', async () => {
    const customer = await createCustomer('rep.west.1', '分页跟进客户');
    const base = Date.now() - 10 * HOUR;
    const methods = [
      M.FOLLOW_UP_METHOD_VISIT,
      M.FOLLOW_UP_METHOD_PHONE,
      M.FOLLOW_UP_METHOD_EMAIL,
      M.FOLLOW_UP_METHOD_PHONE,
      M.FOLLOW_UP_METHOD_MEETING,
    ];
    const created = [];
    for (const [index, method] of methods.entries()) {
      created.push(
        await record('rep.west.1', customer.id, { method, occurTime: new Date(base + index * HOUR), content: `第${index}次跟进` }),
      );
    }
    const byManager = await record('manager.west', customer.id, { occurTime: new Date(base - HOUR), content: '经理亲自拜访' });
    const seen: string[] = [];
    let pageToken = '';
    do {
      const page = await listOfCustomer('manager.west', customer.id, { page: { pageSize: 2, pageToken } });
      expect(page.followUps.length).toBeLessThanOrEqual(2);
      seen.push(...page.followUps.map((item) => item.id));
      pageToken = page.page?.nextPageToken ?? '';
    } while (pageToken);
    expect(seen).toEqual([...created.map((item) => item.id)].reverse().concat(byManager.id));

    const phones = await listOfCustomer('rep.west.1', customer.id, { filter: { methods: [M.FOLLOW_UP_METHOD_PHONE] } });
    expect(phones.followUps.map((item) => item.id)).toEqual([created[3].id, created[1].id]);
    const managers = await listOfCustomer('rep.west.1', customer.id, { filter: { authorId: await userIdOf('manager.west') } });
    expect(managers.followUps.map((item) => item.id)).toEqual([byManager.id]);
    const range = await listOfCustomer('rep.west.1', customer.id, {
      filter: { occurredFrom: new Date(base + HOUR), occurredTo: new Date(base + 3 * HOUR) },
    });
    expect(range.followUps.map((item) => item.id)).toEqual([created[2].id, created[1].id]);
  });

  it('refuses a bad page size, page token or an empty time range', async () => {
    const customer = await createCustomer('rep.west.1', '列表校验');
    await expect(listOfCustomer('rep.west.1', customer.id, { page: { pageSize: 500, pageToken: '' } })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    await expect(listOfCustomer('rep.west.1', customer.id, { page: { pageSize: 5, pageToken: 'garbage' } })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
    // A token of the right list and shape whose time is an injection attempt.
    const forged = Buffer.from(
      JSON.stringify({ l: 'follow-ups', b: '', c: { occurredAt: "2025-01-01'; DROP TABLE follow_ups; --", seq: '1' } }),
    ).toString('base64url');
    await expect(listOfTeam('admin', {}, { pageSize: 5, pageToken: forged })).rejects.toMatchObject({ code: 'invalid_argument' });
    const now = new Date();
    await expect(listOfTeam('admin', { occurredFrom: now, occurredTo: now })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});

describe('annotations (批示)', () => {
  it("lets the unit's manager and the director annotate, shows the annotations with the record and tells the rep", async () => {
    const customer = await createCustomer('rep.east.1', '批示客户');
    const visit = await record('rep.east.1', customer.id, { content: '拜访采购部李经理' });
    const first = await annotate('manager.east', visit.id, '  价格可以再让两个点，尽快签约。 ');
    expect(first.annotation).toMatchObject({
      followUpId: visit.id,
      authorId: await userIdOf('manager.east'),
      comment: '价格可以再让两个点，尽快签约。',
    });
    await annotate('director', visit.id, '同意，注意回款条件');
    const seenByRep = await get('rep.east.1', visit.id);
    expect(seenByRep.annotations.map((item) => item.comment)).toEqual(['价格可以再让两个点，尽快签约。', '同意，注意回款条件']);

    const mine = await eventsOf(customer.id, 4);
    const annotated = mine.filter((item) => item.headers.ce_type === 'liaison.events.v1.FollowUpAnnotated');
    expect(annotated).toHaveLength(2);
    const payload = followUpEventsV1.FollowUpAnnotated.decode(annotated[0].value!);
    expect(payload).toMatchObject({
      followUpId: visit.id,
      customerId: customer.id,
      repId: await userIdOf('rep.east.1'),
      annotation: { comment: '价格可以再让两个点，尽快签约。' },
    });
    expect(annotated[0].headers).toMatchObject({ ce_subject: customer.id, ce_source: 'liaison.customer' });
  });

  it("refuses reps (permission_denied), other units' managers (not_found) and empty comments", async () => {
    const customer = await createCustomer('rep.east.1', '不能批示');
    const visit = await record('rep.east.1', customer.id);
    await expect(annotate('rep.east.1', visit.id, '自己批示')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(annotate('rep.east.2', visit.id, '同事批示')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(annotate('service.agent', visit.id, '客服批示')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(annotate('manager.west', visit.id, '越权批示')).rejects.toMatchObject({ code: 'not_found' });
    await expect(annotate('manager.east', visit.id, '   ')).rejects.toMatchObject({ code: 'invalid_argument' });
    expect(await countRows('SELECT count(*) FROM follow_up_annotations WHERE follow_up_id = $1', [visit.id])).toBe(0);
  });
});

describe('changing and deleting records', () => {
  it('lets the author change a record within 24 hours, then keeps it as history', async () => {
    const customer = await createCustomer('rep.east.1', '修改窗口');
    const visit = await record('rep.east.1', customer.id, { content: '初稿' });
    const next = daysAhead(2);
    const changed = await update(
      'rep.east.1',
      visit.id,
      { content: '改稿：客户确认参会', nextFollowUpDate: next, reminder: R.FOLLOW_UP_REMINDER_NORMAL },
      ['content', 'next_follow_up_date', 'reminder'],
    );
    expect(changed).toMatchObject({
      id: visit.id,
      content: '改稿：客户确认参会',
      nextFollowUpDate: next,
      reminder: R.FOLLOW_UP_REMINDER_NORMAL,
      method: visit.method,
    });

    await expect(update('rep.east.2', visit.id, { content: '别人改' }, ['content'])).rejects.toMatchObject({ code: 'not_found' });
    await expect(update('manager.east', visit.id, { content: '经理改' }, ['content'])).rejects.toMatchObject({
      code: 'permission_denied',
      reason: 'not_author',
    });
    await expect(update('rep.east.1', visit.id, { authorId: 'x' }, ['author_id'])).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(update('rep.east.1', visit.id, {}, ['occur_time'])).rejects.toMatchObject({ code: 'invalid_argument' });

    await pool.query("UPDATE follow_ups SET created_at = now() - interval '25 hours' WHERE id = $1", [visit.id]);
    await expect(update('rep.east.1', visit.id, { content: '太晚了' }, ['content'])).rejects.toMatchObject({
      code: 'failed_precondition',
      reason: 'edit_window_closed',
    });
    expect((await get('rep.east.1', visit.id)).content).toBe('改稿：客户确认参会');

    const mine = await eventsOf(customer.id, 3);
    expect(mine.map((item) => item.headers.ce_type)).toEqual([
      'liaison.events.v1.CustomerCreated',
      'liaison.events.v1.FollowUpRecorded',
      'liaison.events.v1.FollowUpUpdated',
    ]);
    const recorded = followUpEventsV1.FollowUpRecorded.decode(mine[1].value!);
    expect(recorded.followUp).toMatchObject({ id: visit.id, content: '初稿', reminder: R.FOLLOW_UP_REMINDER_NONE });
    const updated = followUpEventsV1.FollowUpUpdated.decode(mine[2].value!);
    expect(updated).toMatchObject({
      changedFields: ['content', 'next_follow_up_date', 'reminder'],
      followUp: { nextFollowUpDate: next, reminder: R.FOLLOW_UP_REMINDER_NORMAL },
    });
  });

  it('moves the last contact when the author corrects the time to a later one', async () => {
    const customer = await createCustomer('rep.east.1', '更正时间');
    const visit = await record('rep.east.1', customer.id, { occurTime: new Date(Date.now() - 6 * HOUR) });
    const later = new Date(Date.now() - HOUR);
    await update('rep.east.1', visit.id, { occurTime: later }, ['occur_time']);
    expect(await lastContactedAt(customer.id)).toEqual(later);
  });

  it('lets no rep delete; a deletion is soft and announced', async () => {
    const customer = await createCustomer('rep.east.1', '删除测试');
    const visit = await record('rep.east.1', customer.id);
    const remove = async (user: string) => unary(followUps.deleteFollowUp.bind(followUps), { id: visit.id }, await as(user));
    await expect(remove('rep.east.1')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(remove('director')).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(remove('manager.west')).rejects.toMatchObject({ code: 'not_found' });
    await remove('admin');
    await expect(get('rep.east.1', visit.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(annotate('manager.east', visit.id, '已删除')).rejects.toMatchObject({ code: 'not_found' });
    expect((await listOfCustomer('rep.east.1', customer.id)).followUps).toEqual([]);
    const { rows } = await pool.query('SELECT deleted_by FROM follow_ups WHERE id = $1', [visit.id]);
    expect(rows[0].deleted_by).toBe(await userIdOf('admin'));
    const mine = await eventsOf(customer.id, 3);
    const deleted = followUpEventsV1.FollowUpDeleted.decode(
      mine.find((item) => item.headers.ce_type === 'liaison.events.v1.FollowUpDeleted')!.value!,
    );
    expect(deleted).toEqual({
      followUpId: visit.id,
      customerId: customer.id,
      repId: await userIdOf('rep.east.1'),
      deletedBy: await userIdOf('admin'),
    });
  });
});

describe('revision history (CUS-16)', () => {
  async function historyOf(username: string, customerId: string, page?: { pageSize: number; pageToken: string }) {
    return unary(
      history.getCustomerHistory.bind(history),
      historyV1.GetCustomerHistoryRequest.fromPartial({ customerId, page }),
      await as(username),
    );
  }

  it('shows who changed which field when, before and after, newest first and paged', async () => {
    const created = await createCustomer('rep.east.1', '历史记录客户');
    const rep = await userIdOf('rep.east.1');
    const updated = (
      await unary(
        customers.updateCustomer.bind(customers),
        customerV1.UpdateCustomerRequest.fromPartial({
          id: created.id,
          expectedVersion: 1,
          customer: { starRating: 4, region: { province: '浙江省', city: '杭州市' } },
          updateMask: ['star_rating', 'region'],
        }),
        await as('rep.east.1'),
      )
    ).customer!;
    await unary(
      customers.changeCustomerCategory.bind(customers),
      customerV1.ChangeCustomerCategoryRequest.fromPartial({
        id: created.id,
        expectedVersion: updated.version,
        category: customerV1.CustomerCategory.CUSTOMER_CATEGORY_INTENTIONAL,
        reason: '客户索要报价',
      }),
      await as('rep.east.1'),
    );

    // One update's fields are recorded in mask order, so region follows star_rating.
    const { entries, page } = await historyOf('manager.east', created.id);
    expect(page?.nextPageToken).toBe('');
    expect(
      entries.map((entry) => ({
        field: entry.field,
        before: JSON.parse(entry.oldValueJson),
        after: JSON.parse(entry.newValueJson),
        reason: entry.reason,
        by: entry.changedBy,
      })),
    ).toEqual([
      { field: 'category', before: 'potential', after: 'intentional', reason: '客户索要报价', by: rep },
      { field: 'region', before: { province: null, city: null }, after: { province: '浙江省', city: '杭州市' }, reason: '', by: rep },
      { field: 'star_rating', before: 0, after: 4, reason: '', by: rep },
    ]);
    expect(entries.every((entry) => entry.customerId === created.id && entry.changeTime instanceof Date)).toBe(true);

    const first = await historyOf('rep.east.1', created.id, { pageSize: 1, pageToken: '' });
    const second = await historyOf('rep.east.1', created.id, { pageSize: 1, pageToken: first.page!.nextPageToken });
    expect([first.entries[0].id, second.entries[0].id]).toEqual([entries[0].id, entries[1].id]);
  });

  it('is scoped like the customer read', async () => {
    const created = await createCustomer('rep.east.1', '历史范围');
    for (const user of ['rep.east.2', 'manager.west', 'partner.acme']) {
      await expect(historyOf(user, created.id)).rejects.toMatchObject({ code: 'not_found' });
    }
    for (const user of ['rep.east.1', 'manager.east', 'director', 'analyst', 'service.agent']) {
      expect((await historyOf(user, created.id)).entries).toEqual([]);
    }
    await expect(historyOf('admin', 'nope')).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(historyOf('admin', created.id, { pageSize: 1, pageToken: 'bad' })).rejects.toMatchObject({ code: 'invalid_argument' });
  });
});
