import { alertEventsV1, alertV1, customerV1, followUpV1 } from '@liaison/contracts';
import { PeriodicJob, PgJobLedger } from '@liaison/jobs';
import { createGrpcClient, createLogger, createPool, unary, type Pool } from '@liaison/runtime';
import { ensureDatabase, subjectOf, userToken } from '@liaison/testkit';
import type { RunningCustomerService } from '../src/app';
import { addDays } from '../src/domain/alert-dates';
import { AlertService } from '../src/domain/alert-service';
import { alertCheckWork } from '../src/jobs/customer-jobs';
import { callerMetadata, startServiceUnderTest } from './support';

// Warnings and care against the real stack: rules administered over gRPC, the check run by hand,
// by concurrent job runners and by a second service instance on the same database, alerts and
// their outbox events, and the data scope of reading and acknowledging. Time is simulated by
// moving customers' clocks back with SQL. The database is this suite's own: the check evaluates
// every customer in it, so earlier runs' customers are retired first.

const { CustomerKind } = customerV1;
const { AlertRuleKind: RuleKind, AlertKind, AlertStatus, CareChannel } = alertV1;
const DATABASE = 'customer_alerts_it';
const RUN = Date.now().toString(36);

let service: RunningCustomerService;
let replica: RunningCustomerService;
let customers: customerV1.CustomerServiceClient;
let alerts: alertV1.CustomerAlertServiceClient;
let replicaAlerts: alertV1.CustomerAlertServiceClient;
let followUps: followUpV1.FollowUpServiceClient;
let pool: Pool;
let today: string;
const subs: Record<string, string> = {};

const as = callerMetadata;
const client = <T>(ctor: new (address: string, credentials: never) => T, address: string, name: string) =>
  createGrpcClient(ctor as never, address, { serviceName: `liaison.customer.v1.${name}`, idempotentMethods: [], deadlineMs: 30_000 }) as T;

const create = async (username: string, name: string, extra: Partial<customerV1.CreateCustomerRequest> = {}) =>
  (
    await unary(
      customers.createCustomer.bind(customers),
      customerV1.CreateCustomerRequest.fromPartial({ name: `${name} ${RUN}`, kind: CustomerKind.CUSTOMER_KIND_COMPANY, ...extra }),
      await as(username),
    )
  ).customer!;
const createRule = async (username: string, kind: alertV1.AlertRuleKind, settings: Partial<alertV1.AlertRuleSettings>) =>
  (
    await unary(
      alerts.createAlertRule.bind(alerts),
      alertV1.CreateAlertRuleRequest.fromPartial({ kind, settings: { enabled: true, ...settings, name: `${settings.name} ${RUN}` } }),
      await as(username),
    )
  ).rule!;
const runNow = async (on = alerts) => unary(on.runAlertRulesNow.bind(on), {}, await as('admin'));
const list = async (username: string, request: Partial<alertV1.ListAlertsRequest> = {}) =>
  (
    await unary(
      alerts.listAlerts.bind(alerts),
      alertV1.ListAlertsRequest.fromPartial({ page: { pageSize: 200 }, ...request }),
      await as(username),
    )
  ).alerts;
const acknowledge = async (username: string, id: string) =>
  (await unary(alerts.acknowledgeAlert.bind(alerts), { id }, await as(username))).alert!;
// Rules stay enabled through the suite's later tests, so every test looks at its own customers only.
const stored = async (ruleId: string, of: { id: string }[]) =>
  (
    await pool.query<{ id: string; customer_id: string; contact_id: string | null; due_date: string; days: number; occurrence: string }>(
      `SELECT id, customer_id, contact_id, due_date::text AS due_date, days, occurrence FROM customer_alerts
     WHERE rule_id = $1 AND customer_id = ANY($2::uuid[]) ORDER BY seq`,
      [ruleId, of.map((c) => c.id)],
    )
  ).rows;
const disable = (ruleId: string) => pool.query('UPDATE customer_alert_rules SET enabled = false WHERE id = $1', [ruleId]);

// Moves a customer's creation (and any contact) back, as if it had been quiet all that time.
const age = (ids: string[], days: number) =>
  pool.query(`UPDATE customers SET created_at = now() - make_interval(days => $2), last_contacted_at = NULL WHERE id = ANY($1::uuid[])`, [
    ids,
    days,
  ]);
const lastContact = (id: string, daysAgo: number) =>
  pool.query(`UPDATE customers SET last_contacted_at = now() - make_interval(days => $2) WHERE id = $1`, [id, daysAgo]);
const setBirthday = (contactId: string, date: string) =>
  pool.query('UPDATE contacts SET birth_month = $2, birth_day = $3 WHERE id = $1', [
    contactId,
    Number(date.slice(5, 7)),
    Number(date.slice(8, 10)),
  ]);
const addContact = async (customerId: string, name: string, birthday: string) => {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO contacts (id, customer_id, name, created_by, updated_by) VALUES (gen_random_uuid(), $1, $2, 'test', 'test') RETURNING id`,
    [customerId, name],
  );
  await setBirthday(rows[0].id, birthday);
  return rows[0].id;
};
// A contact with the details a greeting needs, straight into the table.
const addReachableContact = async (
  customerId: string,
  name: string,
  details: { phones?: { kind: string; number: string }[]; email?: string; primary?: boolean; birthday?: string },
) => {
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO contacts (id, customer_id, name, phones, email, is_primary, created_by, updated_by)
     VALUES (gen_random_uuid(), $1, $2, $3::jsonb, $4, $5, 'test', 'test') RETURNING id`,
    [customerId, name, JSON.stringify(details.phones ?? []), details.email ?? null, details.primary ?? false],
  );
  if (details.birthday) await setBirthday(rows[0].id, details.birthday);
  return rows[0].id;
};
// 09:00 China time on a date, as an instant.
const chinaNineOn = (date: string) => new Date(`${date}T01:00:00.000Z`);
const monthDayOf = (date: string) => `${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const careDueEvent = async (alertId: string) => {
  const { rows } = await pool.query<{ payload: Buffer }>(
    `SELECT payload FROM outbox WHERE type = 'liaison.events.v1.CustomerCareDue' AND subject = $1`,
    [alertId],
  );
  expect(rows).toHaveLength(1);
  return alertEventsV1.CustomerCareDue.decode(rows[0].payload).alert!;
};
const recordFollowUp = async (username: string, customerId: string) =>
  unary(
    followUps.createFollowUp.bind(followUps),
    followUpV1.CreateFollowUpRequest.fromPartial({
      customerId,
      method: followUpV1.FollowUpMethod.FOLLOW_UP_METHOD_PHONE,
      content: '电话回访',
    }),
    await as(username),
  );

beforeAll(async () => {
  const databaseUrl = await ensureDatabase(DATABASE);
  service = await startServiceUnderTest('customer-alerts-it', databaseUrl, {
    POOL_RULE_INTERVAL_MS: '0',
    ALERT_CHECK_INTERVAL_MS: '0',
    PROJECTIONS_ENABLED: 'false',
  });
  replica = await startServiceUnderTest('customer-alerts-it-b', databaseUrl, {
    POOL_RULE_INTERVAL_MS: '0',
    ALERT_CHECK_INTERVAL_MS: '0',
    PROJECTIONS_ENABLED: 'false',
  });
  const address = `127.0.0.1:${service.grpcPort}`;
  customers = client(customerV1.CustomerServiceClient, address, 'CustomerService');
  alerts = client(alertV1.CustomerAlertServiceClient, address, 'CustomerAlertService');
  replicaAlerts = client(alertV1.CustomerAlertServiceClient, `127.0.0.1:${replica.grpcPort}`, 'CustomerAlertService');
  followUps = client(followUpV1.FollowUpServiceClient, address, 'FollowUpService');
  pool = createPool(databaseUrl);
  for (const user of ['admin', 'rep.east.1', 'rep.east.2', 'rep.west.1', 'manager.east']) subs[user] = subjectOf(await userToken(user));
  // Earlier runs: their rules go (with their alerts), their customers are retired.
  await pool.query('DELETE FROM customer_alert_rules');
  await pool.query(
    `UPDATE customers SET deleted_at = now(), deleted_by = 'alerts-it', delete_reason = 'earlier run' WHERE deleted_at IS NULL`,
  );
  today = (await pool.query<{ today: string }>(`SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date::text AS today`)).rows[0].today;
}, 60_000);

afterAll(async () => {
  for (const c of [customers, alerts, replicaAlerts, followUps]) (c as { close?: () => void } | undefined)?.close?.();
  await pool?.end();
  await replica?.host.stop();
  await service?.host.stop();
});

describe('alert rules', () => {
  it('are kept by administrators, validated, unique by name and versioned', async () => {
    for (const user of ['rep.east.1', 'manager.east', 'director']) {
      await expect(createRule(user, RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: `越权 ${user}`, days: 30 })).rejects.toMatchObject({
        code: 'permission_denied',
      });
    }
    await expect(createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '零天', days: 0 })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'days' }],
    });
    await expect(createRule('admin', RuleKind.ALERT_RULE_KIND_UNSPECIFIED, { name: '无类型', days: 3 })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'kind' }],
    });
    await expect(
      createRule('admin', RuleKind.ALERT_RULE_KIND_FIXED_DATE, { name: '坏日期', days: 3, month: 2, day: 30 }),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'day' }] });

    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_ORDER, { name: '九十天无订单', days: 90, enabled: false });
    expect(rule).toMatchObject({
      kind: RuleKind.ALERT_RULE_KIND_NO_ORDER,
      days: 90,
      enabled: false,
      version: 1,
      audit: { createdBy: subs.admin },
    });
    await expect(createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '九十天无订单', days: 30 })).rejects.toMatchObject({
      code: 'already_exists',
      reason: 'name_taken',
    });

    const update = async (username: string, expectedVersion: number, settings: Partial<alertV1.AlertRuleSettings>) =>
      (
        await unary(
          alerts.updateAlertRule.bind(alerts),
          alertV1.UpdateAlertRuleRequest.fromPartial({
            id: rule.id,
            expectedVersion,
            settings: { name: rule.name, days: 60, ...settings },
          }),
          await as(username),
        )
      ).rule!;
    await expect(update('manager.east', 1, {})).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(update('admin', 1, { days: 4000 })).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'days' }] });
    const updated = await update('admin', 1, { categories: [customerV1.CustomerCategory.CUSTOMER_CATEGORY_DEAL], targetOnly: true });
    expect(updated).toMatchObject({
      days: 60,
      version: 2,
      targetOnly: true,
      categories: [customerV1.CustomerCategory.CUSTOMER_CATEGORY_DEAL],
    });
    await expect(update('admin', 1, {})).rejects.toMatchObject({ code: 'version_conflict' });

    expect((await unary(alerts.getAlertRule.bind(alerts), { id: rule.id }, await as('director'))).rule).toMatchObject({ version: 2 });
    const listed = (await unary(alerts.listAlertRules.bind(alerts), {}, await as('admin'))).rules;
    expect(listed.map((r) => r.id)).toContain(rule.id);
    await expect(unary(alerts.listAlertRules.bind(alerts), {}, await as('rep.east.1'))).rejects.toMatchObject({
      code: 'permission_denied',
    });

    await expect(unary(alerts.deleteAlertRule.bind(alerts), { id: rule.id, expectedVersion: 1 }, await as('admin'))).rejects.toMatchObject({
      code: 'version_conflict',
    });
    await unary(alerts.deleteAlertRule.bind(alerts), { id: rule.id, expectedVersion: 2 }, await as('admin'));
    await expect(unary(alerts.getAlertRule.bind(alerts), { id: rule.id }, await as('admin'))).rejects.toMatchObject({ code: 'not_found' });
    await expect(unary(alerts.runAlertRulesNow.bind(alerts), {}, await as('rep.east.1'))).rejects.toMatchObject({
      code: 'permission_denied',
    });
  });

  it('keep the greeting settings of care rules and refuse them on warnings', async () => {
    const greeting = { channels: [CareChannel.CARE_CHANNEL_SMS], sendTime: '08:00', message: '{contact}您好' };
    await expect(
      createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '预警不发问候', days: 30, ...greeting }),
    ).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'channels' }, { field: 'send_time' }, { field: 'message' }],
    });
    await expect(
      createRule('admin', RuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY, {
        name: '缺问候语',
        days: 1,
        channels: [CareChannel.CARE_CHANNEL_EMAIL],
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'message' }] });
    await expect(
      createRule('admin', RuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY, {
        name: '坏占位符',
        days: 1,
        channels: [CareChannel.CARE_CHANNEL_EMAIL],
        message: '{姓名}生日快乐',
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'message' }] });
    await expect(
      createRule('admin', RuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY, { name: '坏时间', days: 1, sendTime: '25:00' }),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'send_time' }] });
    await expect(
      createRule('admin', RuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY, {
        name: '坏渠道',
        days: 1,
        channels: [7 as alertV1.CareChannel],
        message: '你好',
      }),
    ).rejects.toMatchObject({ code: 'invalid_argument', violations: [{ field: 'channels[0]' }] });

    const plain = await createRule('admin', RuleKind.ALERT_RULE_KIND_DEAL_ANNIVERSARY, { name: '只提醒', days: 1, enabled: false });
    expect(plain).toMatchObject({ channels: [], sendTime: '09:00', message: '' });
    const warning = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_ORDER, { name: '预警无问候', days: 30, enabled: false });
    expect(warning).toMatchObject({ channels: [], sendTime: '', message: '' });

    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_FIXED_DATE, {
      name: '中秋问候',
      days: 1,
      month: 9,
      day: 15,
      enabled: false,
      ...greeting,
    });
    expect(rule).toMatchObject({ channels: [CareChannel.CARE_CHANNEL_SMS], sendTime: '08:00', message: '{contact}您好' });
    const updated = (
      await unary(
        alerts.updateAlertRule.bind(alerts),
        alertV1.UpdateAlertRuleRequest.fromPartial({
          id: rule.id,
          expectedVersion: 1,
          settings: {
            name: rule.name,
            days: 1,
            month: 9,
            day: 15,
            channels: [CareChannel.CARE_CHANNEL_EMAIL, CareChannel.CARE_CHANNEL_SMS],
            message: '中秋快乐，{customer}',
          },
        }),
        await as('admin'),
      )
    ).rule!;
    expect(updated).toMatchObject({
      channels: [CareChannel.CARE_CHANNEL_SMS, CareChannel.CARE_CHANNEL_EMAIL],
      sendTime: '09:00',
      message: '中秋快乐，{customer}',
      version: 2,
    });
    expect((await unary(alerts.getAlertRule.bind(alerts), { id: rule.id }, await as('admin'))).rule).toMatchObject({
      message: '中秋快乐，{customer}',
    });
  });
});

describe('no-contact warnings', () => {
  it('fire once per silence: for a silent customer, not for a contacted one, not again on a rerun, again after a new contact and a new silence', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '十天未联系', days: 10 });
    const silent = await create('rep.east.1', '沉默客户');
    const contacted = await create('rep.east.1', '常联系客户');
    const fresh = await create('rep.east.1', '新客户');
    await age([silent.id, contacted.id], 40);
    await recordFollowUp('rep.east.1', contacted.id);

    const first = await runNow();
    expect(first.warningsRaised).toBe(1);
    const [raised] = await stored(rule.id, [silent, contacted, fresh]);
    expect(raised).toMatchObject({ customer_id: silent.id, days: 40, due_date: addDays(today, -30) });
    expect((await stored(rule.id, [silent, contacted, fresh])).map((a) => a.customer_id)).toEqual([silent.id]);

    // The event, in the outbox with the customer as key and the alert as subject.
    const outbox = await pool.query<{ key: string; subject: string; payload: Buffer }>(
      `SELECT key, subject, payload FROM outbox WHERE type = 'liaison.events.v1.CustomerWarningRaised' AND subject = $1`,
      [raised.id],
    );
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0].key).toBe(silent.id);
    expect(alertEventsV1.CustomerWarningRaised.decode(outbox.rows[0].payload).alert).toMatchObject({
      id: raised.id,
      kind: AlertKind.ALERT_KIND_WARNING,
      ruleId: rule.id,
      ruleName: rule.name,
      ruleKind: RuleKind.ALERT_RULE_KIND_NO_CONTACT,
      customerId: silent.id,
      customerName: silent.name,
      ownerId: subs['rep.east.1'],
      ownerUnit: '/Sales/East',
      days: 40,
      reason: `客户「${silent.name}」自 ${addDays(today, -40)} 创建以来已 40 天未联系`,
      status: AlertStatus.ALERT_STATUS_OPEN,
    });

    expect((await runNow()).warningsRaised).toBe(0);
    expect(await stored(rule.id, [silent])).toHaveLength(1);

    await recordFollowUp('rep.east.1', silent.id);
    expect((await runNow()).warningsRaised).toBe(0);
    await lastContact(silent.id, 12);
    expect((await runNow()).warningsRaised).toBe(1);
    const after = await stored(rule.id, [silent]);
    expect(after).toHaveLength(2);
    expect(after[1]).toMatchObject({ customer_id: silent.id, days: 12 });
    const [latest] = await list('rep.east.1', { ruleId: rule.id, customerId: silent.id });
    expect(latest.reason).toBe(`客户「${silent.name}」已 12 天未联系（上次联系 ${addDays(today, -12)}）`);
    await disable(rule.id);
  });

  it('respect the categories and the target flag of the rule, and leave pool customers alone', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, {
      name: '重点目标客户',
      days: 5,
      categories: [customerV1.CustomerCategory.CUSTOMER_CATEGORY_POTENTIAL],
      targetOnly: true,
    });
    const target = await create('rep.east.2', '目标客户', { isTarget: true });
    const ordinary = await create('rep.east.2', '普通客户');
    const pooled = await create('rep.east.2', '公海客户', { isTarget: true });
    await pool.query('UPDATE customers SET owner_id = NULL, owner_unit = NULL WHERE id = $1', [pooled.id]);
    await age([target.id, ordinary.id, pooled.id], 9);
    await runNow();
    expect((await stored(rule.id, [target, ordinary, pooled])).map((a) => a.customer_id)).toEqual([target.id]);
    await disable(rule.id);
  });
});

describe('no-order warnings', () => {
  it('measure from the last order of the 360 projection, or from creation when there was none', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_ORDER, { name: '三十天无订单', days: 30 });
    const lapsed = await create('rep.west.1', '久未下单');
    const buying = await create('rep.west.1', '近期下单');
    const never = await create('rep.west.1', '从未下单');
    await age([lapsed.id, buying.id, never.id], 100);
    await pool.query(
      `INSERT INTO customer_summary (customer_id, last_order_at) VALUES ($1, now() - interval '45 days'), ($2, now() - interval '3 days')`,
      [lapsed.id, buying.id],
    );
    await runNow();
    const raised = await stored(rule.id, [lapsed, buying, never]);
    expect(raised.map((a) => a.customer_id).sort()).toEqual([lapsed.id, never.id].sort());
    const reasons = (await list('rep.west.1', { ruleId: rule.id }))
      .filter((a) => [lapsed.id, never.id].includes(a.customerId))
      .map((a) => a.reason)
      .sort();
    expect(reasons).toEqual(
      [
        `客户「${lapsed.name}」已 45 天无订单（上次下单 ${addDays(today, -45)}）`,
        `客户「${never.name}」自 ${addDays(today, -100)} 创建以来已 100 天无订单`,
      ].sort(),
    );
    await disable(rule.id);
  });
});

describe('care', () => {
  it('reminds of birthdays within the days ahead only, once a year, naming the contact', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY, { name: '生日关怀', days: 5 });
    const customer = await create('rep.east.1', '生日客户');
    const soon = await addContact(customer.id, `王芳 ${RUN}`, addDays(today, 3));
    const onTheDay = await addContact(customer.id, `李雷 ${RUN}`, today);
    const later = await addContact(customer.id, `赵敏 ${RUN}`, addDays(today, 6));
    const past = await addContact(customer.id, `钱坤 ${RUN}`, addDays(today, -1));

    const run = await runNow();
    expect(run.careDue).toBe(2);
    const raised = await stored(rule.id, [customer]);
    expect(raised.map((a) => a.contact_id).sort()).toEqual([soon, onTheDay].sort());
    expect(raised.find((a) => a.contact_id === soon)).toMatchObject({
      due_date: addDays(today, 3),
      days: 3,
      occurrence: addDays(today, 3),
    });
    expect(raised.map((a) => a.contact_id)).not.toEqual(expect.arrayContaining([later, past]));

    const outbox = await pool.query<{ key: string; payload: Buffer }>(
      `SELECT key, payload FROM outbox WHERE type = 'liaison.events.v1.CustomerCareDue' AND subject = $1`,
      [raised.find((a) => a.contact_id === soon)!.id],
    );
    expect(outbox.rows).toHaveLength(1);
    expect(outbox.rows[0].key).toBe(customer.id);
    const due = addDays(today, 3);
    expect(alertEventsV1.CustomerCareDue.decode(outbox.rows[0].payload).alert).toMatchObject({
      kind: AlertKind.ALERT_KIND_CARE,
      contactId: soon,
      contactName: `王芳 ${RUN}`,
      ownerId: subs['rep.east.1'],
      dueDate: due,
      days: 3,
      reason: `客户「${customer.name}」的联系人「王芳 ${RUN}」${Number(due.slice(5, 7))}月${Number(due.slice(8, 10))}日生日（还有 3 天），请送上关怀`,
    });
    expect(alertEventsV1.CustomerCareDue.decode(outbox.rows[0].payload).alert!.delivery).toBeUndefined();
    expect((await runNow()).careDue).toBe(0);
    await disable(rule.id);
  });

  it("greets birthday contacts on the rule's channels they can be reached on, at 09:00 China time on the day", async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_CONTACT_BIRTHDAY, {
      name: '生日短信邮件',
      days: 3,
      channels: [CareChannel.CARE_CHANNEL_SMS, CareChannel.CARE_CHANNEL_EMAIL],
      message: '{contact}您好，{customer}祝您生日快乐！',
    });
    const customer = await create('rep.east.1', '问候客户');
    const due = addDays(today, 2);
    const reachable = await addReachableContact(customer.id, `孙丽 ${RUN}`, {
      phones: [
        { kind: 'office', number: '021-62345678' },
        { kind: 'mobile', number: '13912345678' },
      ],
      email: 'sunli@example.com',
      birthday: due,
    });
    const noEmail = await addReachableContact(customer.id, `周强 ${RUN}`, {
      phones: [{ kind: 'office', number: '021-65550000' }],
      birthday: due,
    });
    const unreachable = await addReachableContact(customer.id, `吴刚 ${RUN}`, { birthday: due });
    await runNow();
    const raised = await stored(rule.id, [customer]);
    expect(raised.map((a) => a.contact_id).sort()).toEqual([reachable, noEmail, unreachable].sort());

    const listed = await list('rep.east.1', { ruleId: rule.id, customerId: customer.id });
    const byContact = (contactId: string) => listed.find((a) => a.contactId === contactId)!;
    expect(byContact(reachable).delivery).toEqual({
      channels: [CareChannel.CARE_CHANNEL_SMS, CareChannel.CARE_CHANNEL_EMAIL],
      undeliverableChannels: [],
      sendTime: chinaNineOn(due),
      recipientContactId: reachable,
      recipientName: `孙丽 ${RUN}`,
      phone: '13912345678',
      email: 'sunli@example.com',
      message: `孙丽 ${RUN}您好，${customer.name}祝您生日快乐！`,
    });
    expect(byContact(reachable).reason).toBe(
      `客户「${customer.name}」的联系人「孙丽 ${RUN}」${monthDayOf(due)}生日（还有 2 天），请送上关怀；` +
        `将于 ${monthDayOf(due)} 09:00 通过短信、邮件向「孙丽 ${RUN}」发送问候`,
    );
    expect(byContact(noEmail).delivery).toMatchObject({
      channels: [CareChannel.CARE_CHANNEL_SMS],
      undeliverableChannels: [CareChannel.CARE_CHANNEL_EMAIL],
      phone: '021-65550000',
      email: '',
      message: `周强 ${RUN}您好，${customer.name}祝您生日快乐！`,
    });
    expect(byContact(unreachable).delivery).toMatchObject({
      channels: [],
      undeliverableChannels: [CareChannel.CARE_CHANNEL_SMS, CareChannel.CARE_CHANNEL_EMAIL],
      phone: '',
      email: '',
    });

    // Messaging gets the greeting with the alert, exactly as listed.
    expect((await careDueEvent(byContact(reachable).id)).delivery).toEqual(byContact(reachable).delivery);
    expect((await careDueEvent(byContact(noEmail).id)).delivery).toMatchObject({ undeliverableChannels: [CareChannel.CARE_CHANNEL_EMAIL] });
    await disable(rule.id);
  });

  it('greets the primary contact of a fixed date, else the first contact, else the customer itself, right away when the hour has passed', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_FIXED_DATE, {
      name: '今日问候',
      days: 0,
      month: Number(today.slice(5, 7)),
      day: Number(today.slice(8, 10)),
      sendTime: '00:00',
      channels: [CareChannel.CARE_CHANNEL_EMAIL, CareChannel.CARE_CHANNEL_SMS],
      message: '尊敬的{contact}：感谢{customer}一直以来的支持',
    });
    const withPrimary = await create('rep.east.2', '有主联系人');
    await addReachableContact(withPrimary.id, `先录入 ${RUN}`, { email: 'first@example.com' });
    const primary = await addReachableContact(withPrimary.id, `主联系人 ${RUN}`, {
      phones: [{ kind: 'mobile', number: '13700001111' }],
      email: 'primary@example.com',
      primary: true,
    });
    const withContacts = await create('rep.east.2', '无主联系人');
    const first = await addReachableContact(withContacts.id, `第一位 ${RUN}`, { phones: [{ kind: 'other', number: '400-800-1234' }] });
    const gone = await addReachableContact(withContacts.id, `已删除 ${RUN}`, { email: 'gone@example.com', primary: true });
    await pool.query(`UPDATE contacts SET deleted_at = now(), deleted_by = 'test' WHERE id = $1`, [gone]);
    await addReachableContact(withContacts.id, `第二位 ${RUN}`, { email: 'second@example.com' });
    const alone = await create('rep.east.2', '无联系人');
    await pool.query(`UPDATE customers SET phone = '0571-88886666', email = 'office@example.com' WHERE id = $1`, [alone.id]);

    const before = new Date();
    await runNow();
    const delivery = async (customerId: string) => (await list('rep.east.2', { ruleId: rule.id, customerId }))[0].delivery!;
    const greeting = await delivery(withPrimary.id);
    expect(greeting).toMatchObject({
      recipientContactId: primary,
      recipientName: `主联系人 ${RUN}`,
      phone: '13700001111',
      email: 'primary@example.com',
      channels: [CareChannel.CARE_CHANNEL_SMS, CareChannel.CARE_CHANNEL_EMAIL],
      message: `尊敬的主联系人 ${RUN}：感谢${withPrimary.name}一直以来的支持`,
    });
    // 00:00 today has passed: send now.
    expect(greeting.sendTime!.getTime()).toBeGreaterThanOrEqual(before.getTime() - 5_000);
    expect(greeting.sendTime!.getTime()).toBeLessThanOrEqual(Date.now());
    expect(await delivery(withContacts.id)).toMatchObject({
      recipientContactId: first,
      phone: '400-800-1234',
      email: '',
      channels: [CareChannel.CARE_CHANNEL_SMS],
      undeliverableChannels: [CareChannel.CARE_CHANNEL_EMAIL],
    });
    expect(await delivery(alone.id)).toMatchObject({
      recipientContactId: '',
      recipientName: alone.name,
      phone: '0571-88886666',
      email: 'office@example.com',
      message: `尊敬的${alone.name}：感谢${alone.name}一直以来的支持`,
    });
    await disable(rule.id);
  });

  it('reminds every customer of a fixed date within the days ahead, and not before', async () => {
    const customer = await create('rep.east.2', '节日客户');
    const soon = addDays(today, 2);
    const far = addDays(today, 20);
    const due = await createRule('admin', RuleKind.ALERT_RULE_KIND_FIXED_DATE, {
      name: '周年庆关怀',
      days: 3,
      month: Number(soon.slice(5, 7)),
      day: Number(soon.slice(8, 10)),
    });
    const notYet = await createRule('admin', RuleKind.ALERT_RULE_KIND_FIXED_DATE, {
      name: '远期节日',
      days: 3,
      month: Number(far.slice(5, 7)),
      day: Number(far.slice(8, 10)),
    });
    await runNow();
    expect(await stored(due.id, [customer])).toMatchObject([{ due_date: soon, days: 2 }]);
    expect(await stored(notYet.id, [customer])).toEqual([]);
    expect(await pool.query('SELECT 1 FROM customer_alerts WHERE rule_id = $1', [notYet.id])).toMatchObject({ rowCount: 0 });
    const [alert] = await list('rep.east.2', { ruleId: due.id, customerId: customer.id });
    expect(alert.reason).toBe(
      `「${due.name}」${Number(soon.slice(5, 7))}月${Number(soon.slice(8, 10))}日（还有 2 天），请关怀客户「${customer.name}」`,
    );
    await disable(due.id);
    await disable(notYet.id);
  });

  it('reminds of deal anniversaries, not of a deal made this year', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_DEAL_ANNIVERSARY, { name: '成交周年', days: 7 });
    const veteran = await create('rep.east.1', '老客户');
    const newcomer = await create('rep.east.1', '今年成交');
    const anniversary = addDays(today, 4);
    const threeYearsAgo = `${Number(anniversary.slice(0, 4)) - 3}${anniversary.slice(4)}`.replace(/-02-29$/, '-02-28');
    await pool.query('UPDATE customers SET deal_date = $2 WHERE id = $1', [veteran.id, threeYearsAgo]);
    await pool.query('UPDATE customers SET deal_date = $2 WHERE id = $1', [newcomer.id, today]);
    await runNow();
    expect((await stored(rule.id, [veteran, newcomer])).map((a) => a.customer_id)).toEqual([veteran.id]);
    await disable(rule.id);
  });
});

describe('concurrent checks', () => {
  it('record and emit each alert once, whether two job runners share a slot or two instances and the job run at once', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '并发检查', days: 3 });
    const quiet = await Promise.all(Array.from({ length: 6 }, (_, i) => create(i % 2 ? 'rep.east.1' : 'rep.west.1', `并发沉默${i}`)));
    await age(
      quiet.map((c) => c.id),
      8,
    );

    const logger = createLogger({ service: 'alerts-it', level: 'silent' });
    const domain = new AlertService(pool, { batchSize: 2 });
    const runner = (name: string) =>
      new PeriodicJob({ ...alertCheckWork(domain, 3_600_000, `alert-test-${RUN}`), ledger: new PgJobLedger(pool), runner: name, logger });
    const ticks = await Promise.all([runner('replica-a').tick(), runner('replica-b').tick()]);
    expect(ticks.filter((outcome) => outcome.ran)).toHaveLength(1);
    expect(await stored(rule.id, quiet)).toHaveLength(6);

    // Newly silent customers, checked by both instances' RPCs and a direct run all at once.
    const more = await Promise.all(Array.from({ length: 5 }, (_, i) => create('rep.east.2', `并发二轮${i}`)));
    await age(
      more.map((c) => c.id),
      8,
    );
    const runs = await Promise.all([runNow(alerts), runNow(replicaAlerts), domain.checkAll()]);
    expect(runs.reduce((sum, run) => sum + run.warningsRaised, 0)).toBeGreaterThanOrEqual(5);
    const ours = await stored(rule.id, [...quiet, ...more]);
    expect(ours.map((a) => a.customer_id).sort()).toEqual([...quiet, ...more].map((c) => c.id).sort());
    // Over the whole rule: one alert per customer, and exactly one event per alert.
    const totals = await pool.query<{ alerts: string; customers: string; events: string }>(
      `SELECT count(*) AS alerts, count(DISTINCT customer_id) AS customers,
         (SELECT count(*) FROM outbox o WHERE o.type = 'liaison.events.v1.CustomerWarningRaised' AND o.subject IN (SELECT id::text FROM customer_alerts WHERE rule_id = $1)) AS events
       FROM customer_alerts WHERE rule_id = $1`,
      [rule.id],
    );
    expect(totals.rows[0]).toEqual({
      alerts: totals.rows[0].customers,
      customers: totals.rows[0].customers,
      events: totals.rows[0].customers,
    });
    await disable(rule.id);
  });
});

describe('reading and acknowledging', () => {
  it('shows each user the alerts of the customers in their scope, and lets only writers acknowledge', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '范围检查', days: 2 });
    const east = await create('rep.east.1', '华东预警');
    const west = await create('rep.west.1', '华西预警');
    await age([east.id, west.id], 5);
    await runNow();
    const ours = [east.id, west.id];
    const mine = async (username: string) =>
      (await list(username, { ruleId: rule.id }))
        .map((a) => a.customerId)
        .filter((id) => ours.includes(id))
        .sort();
    expect(await mine('rep.east.1')).toEqual([east.id]);
    expect(await mine('rep.west.1')).toEqual([west.id]);
    expect(await mine('manager.east')).toEqual([east.id]);
    expect(await mine('admin')).toEqual([east.id, west.id].sort());
    expect(await mine('director')).toEqual([east.id, west.id].sort());
    expect(await mine('partner.acme')).toEqual([]);

    const [westAlert] = await list('rep.west.1', { ruleId: rule.id, customerId: west.id });
    const [eastAlert] = await list('rep.east.1', { ruleId: rule.id, customerId: east.id });
    await expect(acknowledge('rep.east.1', westAlert.id)).rejects.toMatchObject({ code: 'not_found' });
    await expect(acknowledge('service.agent', eastAlert.id)).rejects.toMatchObject({ code: 'permission_denied' });
    await expect(acknowledge('director', eastAlert.id)).rejects.toMatchObject({ code: 'permission_denied' });

    const acknowledged = await acknowledge('rep.east.1', eastAlert.id);
    expect(acknowledged).toMatchObject({ status: AlertStatus.ALERT_STATUS_ACKNOWLEDGED, acknowledgedBy: subs['rep.east.1'] });
    expect(acknowledged.acknowledgeTime).toBeInstanceOf(Date);
    expect(await acknowledge('manager.east', eastAlert.id)).toMatchObject({ acknowledgedBy: subs['rep.east.1'] });
    const events = await pool.query<{ key: string; payload: Buffer }>(
      `SELECT key, payload FROM outbox WHERE type = 'liaison.events.v1.CustomerAlertAcknowledged' AND subject = $1`,
      [eastAlert.id],
    );
    expect(events.rows).toHaveLength(1);
    expect(alertEventsV1.CustomerAlertAcknowledged.decode(events.rows[0].payload)).toMatchObject({
      acknowledgedBy: subs['rep.east.1'],
      alert: { id: eastAlert.id, customerId: east.id },
    });

    expect(await list('rep.east.1', { ruleId: rule.id, customerId: east.id, status: AlertStatus.ALERT_STATUS_OPEN })).toEqual([]);
    expect((await list('rep.east.1', { ruleId: rule.id, status: AlertStatus.ALERT_STATUS_ACKNOWLEDGED })).map((a) => a.id)).toEqual([
      eastAlert.id,
    ]);
    expect(await list('admin', { ruleId: rule.id, kind: AlertKind.ALERT_KIND_CARE })).toEqual([]);
    expect((await list('admin', { ruleId: rule.id, kind: AlertKind.ALERT_KIND_WARNING, customerId: west.id })).map((a) => a.id)).toEqual([
      westAlert.id,
    ]);
    await expect(list('rep.east.1', { ruleId: 'not-a-uuid' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'rule_id' }],
    });
    await disable(rule.id);
  });

  it('pages newest first', async () => {
    const rule = await createRule('admin', RuleKind.ALERT_RULE_KIND_NO_CONTACT, { name: '分页', days: 1 });
    const quiet = await Promise.all(Array.from({ length: 5 }, (_, i) => create('rep.east.2', `分页${i}`)));
    await age(
      quiet.map((c) => c.id),
      3,
    );
    await runNow();
    const seen: string[] = [];
    let pageToken = '';
    do {
      const response = await unary(
        alerts.listAlerts.bind(alerts),
        alertV1.ListAlertsRequest.fromPartial({ ruleId: rule.id, page: { pageSize: 2, pageToken } }),
        await as('rep.east.2'),
      );
      seen.push(...response.alerts.map((a) => a.id));
      pageToken = response.page?.nextPageToken ?? '';
    } while (pageToken);
    const newestFirst = (await stored(rule.id, quiet)).map((a) => a.id).reverse();
    expect(newestFirst).toHaveLength(5);
    expect(seen.filter((id) => newestFirst.includes(id))).toEqual(newestFirst);
    expect(new Set(seen).size).toBe(seen.length);
    await expect(
      unary(
        alerts.listAlerts.bind(alerts),
        alertV1.ListAlertsRequest.fromPartial({ page: { pageToken: 'bogus' } }),
        await as('rep.east.2'),
      ),
    ).rejects.toMatchObject({ code: 'invalid_argument' });
    await disable(rule.id);
  });
});
