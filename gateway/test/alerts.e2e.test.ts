import { apiCaller, expectProblem, type Reply } from './http';
import { startPlatform, type Platform } from './platform';

// CUS-12/13 through the front door: an administrator keeps the rules and runs them, a rep sees
// and acknowledges the alerts of their own customers and nobody else's, and non-administrators
// and bad input are refused. A birthday today needs no clock travel, so this suite touches the
// database only through the API.

const RUN = Date.now().toString(36);
const PREFIX = 'e2e预警';
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);

beforeAll(async () => {
  platform = await startPlatform('alerts_e2e', { ALERT_CHECK_INTERVAL_MS: '0', POOL_RULE_INTERVAL_MS: '0' });
  // Earlier runs' rules go, with their alerts, so that only this run's rules fire.
  const rules = await call('GET', '/alert-rules', 'admin');
  for (const rule of rules.body.items as { id: string; name: string; version: number }[]) {
    if (rule.name.startsWith(PREFIX))
      await call('DELETE', `/alert-rules/${rule.id}`, 'admin', undefined, { 'if-match': `"${rule.version}"` });
  }
});

afterAll(async () => {
  await platform?.stop();
});

const violationFields = (reply: Reply) => ((reply.body.violations ?? []) as { field: string }[]).map((violation) => violation.field);

function chinaDate(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date());
}

function todayInChina(): { month: number; day: number } {
  const [, month, day] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(new Date()).split('-').map(Number);
  return { month, day };
}

async function customerWithBirthdayToday(owner: string, name: string): Promise<{ id: string; contactId: string }> {
  const customer = await call('POST', '/customers', owner, { name: `${name} ${RUN}`, kind: 'company' });
  expect(customer.status).toBe(201);
  const contact = await call('POST', `/customers/${customer.body.id}/contacts`, owner, { name: `寿星 ${RUN}`, birthday: todayInChina() });
  expect(contact.status).toBe(201);
  return { id: customer.body.id as string, contactId: contact.body.id as string };
}

describe('warnings and care through the gateway', () => {
  it('lets only administrators keep rules, and refuses bad input with the fields named', async () => {
    for (const user of ['rep.east.1', 'manager.east', 'director', 'partner.acme']) {
      expectProblem(
        await call('POST', '/alert-rules', user, { kind: 'no_contact', name: `${PREFIX} 越权 ${RUN}`, days: 30 }),
        403,
        'forbidden',
      );
    }
    expectProblem(await call('POST', '/alert-rules/run', 'rep.east.1', {}), 403, 'forbidden');
    expectProblem(await call('GET', '/alert-rules', 'rep.east.1'), 403, 'forbidden');
    expectProblem(await call('POST', '/alert-rules', undefined, { kind: 'no_contact', name: 'x', days: 3 }), 401, 'token_missing');

    const zeroDays = await call('POST', '/alert-rules', 'admin', { kind: 'no_contact', name: `${PREFIX} 零天 ${RUN}`, days: 0 });
    expectProblem(zeroDays, 400, 'invalid_argument');
    expect(violationFields(zeroDays)).toEqual(['days']);
    const noDate = await call('POST', '/alert-rules', 'admin', {
      kind: 'fixed_date',
      name: `${PREFIX} 无日期 ${RUN}`,
      days: 3,
      month: 4,
      day: 31,
    });
    expectProblem(noDate, 400, 'invalid_argument');
    expect(violationFields(noDate)).toEqual(['day']);
    expectProblem(
      await call('POST', '/alert-rules', 'admin', { kind: 'someday', name: `${PREFIX} ${RUN}`, days: 3 }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('POST', '/alert-rules', 'admin', { kind: 'no_contact', name: `${PREFIX} ${RUN}`, days: 3, extra: true }),
      400,
      'validation_failed',
    );

    const created = await call('POST', '/alert-rules', 'admin', {
      kind: 'no_order',
      name: `${PREFIX} 无订单 ${RUN}`,
      days: 60,
      categories: ['deal'],
      enabled: false,
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      kind: 'no_order',
      days: 60,
      month: null,
      day: null,
      categories: ['deal'],
      targetOnly: false,
      enabled: false,
      version: 1,
    });
    expect(created.headers.get('etag')).toBe('"1"');
    const id = created.body.id as string;
    expectProblem(
      await call('POST', '/alert-rules', 'admin', { kind: 'no_contact', name: `${PREFIX} 无订单 ${RUN}`, days: 3 }),
      409,
      'name_taken',
    );

    const body = { name: `${PREFIX} 无订单 ${RUN}`, days: 90, enabled: false };
    expectProblem(await call('PUT', `/alert-rules/${id}`, 'admin', body), 428, 'precondition_required');
    expectProblem(await call('PUT', `/alert-rules/${id}`, 'manager.east', body, { 'if-match': '"1"' }), 403, 'forbidden');
    const updated = await call('PUT', `/alert-rules/${id}`, 'admin', body, { 'if-match': '"1"' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ days: 90, categories: [], version: 2 });
    expectProblem(await call('PUT', `/alert-rules/${id}`, 'admin', body, { 'if-match': '"1"' }), 412, 'version_conflict');
    expect((await call('GET', `/alert-rules/${id}`, 'director')).body).toMatchObject({ id, version: 2 });
    expectProblem(await call('DELETE', `/alert-rules/${id}`, 'admin', undefined, { 'if-match': '"1"' }), 412, 'version_conflict');
    expect((await call('DELETE', `/alert-rules/${id}`, 'admin', undefined, { 'if-match': '"2"' })).status).toBe(204);
    expectProblem(await call('GET', `/alert-rules/${id}`, 'admin'), 404, 'not_found');
  });

  it("raises a birthday reminder for the owner when an administrator runs the rules, once, and lets only the owner's side acknowledge it", async () => {
    const east = await customerWithBirthdayToday('rep.east.1', '华东生日客户');
    const west = await customerWithBirthdayToday('rep.west.1', '华西生日客户');
    const rule = await call('POST', '/alert-rules', 'admin', { kind: 'contact_birthday', name: `${PREFIX} 生日 ${RUN}`, days: 1 });
    expect(rule.status).toBe(201);

    const run = await call('POST', '/alert-rules/run', 'admin', {});
    expect(run.status).toBe(200);
    expect(run.body.careDue).toBeGreaterThanOrEqual(2);
    expect((await call('POST', '/alert-rules/run', 'admin', {})).body).toMatchObject({ careDue: 0 });

    const listed = await call('GET', `/alerts?kind=care&ruleId=${rule.body.id}&status=open`, 'rep.east.1');
    expect(listed.status).toBe(200);
    const items = listed.body.items as Record<string, unknown>[];
    expect(items.map((item) => item.customerId)).toContain(east.id);
    expect(items.map((item) => item.customerId)).not.toContain(west.id);
    const alert = items.find((item) => item.customerId === east.id)!;
    const { month, day } = todayInChina();
    expect(alert).toMatchObject({
      kind: 'care',
      ruleKind: 'contact_birthday',
      contactId: east.contactId,
      contactName: `寿星 ${RUN}`,
      days: 0,
      status: 'open',
      ownerUnit: '/Sales/East',
      reason: `客户「华东生日客户 ${RUN}」的联系人「寿星 ${RUN}」${month}月${day}日生日（今天），请送上关怀`,
      acknowledgedAt: null,
    });

    const westAlert = ((await call('GET', `/alerts?customerId=${west.id}`, 'rep.west.1')).body.items as { id: string }[])[0];
    expect((await call('GET', `/alerts?customerId=${west.id}`, 'rep.east.1')).body.items).toEqual([]);
    expect((await call('GET', `/alerts?customerId=${east.id}`, 'partner.acme')).body.items).toEqual([]);
    expectProblem(await call('POST', `/alerts/${westAlert.id}/acknowledge`, 'rep.east.1', {}), 404, 'not_found');
    expectProblem(await call('POST', `/alerts/${alert.id}/acknowledge`, 'analyst', {}), 403, 'forbidden');
    expectProblem(await call('POST', '/alerts/not-a-uuid/acknowledge', 'rep.east.1', {}), 400, 'validation_failed');
    expectProblem(await call('GET', '/alerts?status=closed', 'rep.east.1'), 400, 'validation_failed');

    const acknowledged = await call('POST', `/alerts/${alert.id}/acknowledge`, 'rep.east.1', {});
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ id: alert.id, status: 'acknowledged' });
    expect(typeof acknowledged.body.acknowledgedAt).toBe('string');
    const open = (await call('GET', `/alerts?status=open&customerId=${east.id}`, 'manager.east')).body.items as unknown[];
    expect(open).toEqual([]);
    expect(alert.delivery).toBeNull();
  });

  it("keeps a care rule's greeting (channels, send time, message), refuses it on warnings and bad times, and shows the greeting on the alert", async () => {
    const body = {
      kind: 'contact_birthday',
      name: `${PREFIX} 生日问候 ${RUN}`,
      days: 0,
      channels: ['email', 'sms'],
      sendTime: '23:59',
      message: '{contact}您好，{customer}祝您生日快乐！',
    };
    for (const sendTime of ['9:00', '24:00', '09:00:00']) {
      const bad = await call('POST', '/alert-rules', 'admin', { ...body, sendTime });
      expectProblem(bad, 400, 'validation_failed');
    }
    expectProblem(await call('POST', '/alert-rules', 'admin', { ...body, channels: ['fax'] }), 400, 'validation_failed');
    const warning = await call('POST', '/alert-rules', 'admin', {
      kind: 'no_contact',
      name: `${PREFIX} 预警问候 ${RUN}`,
      days: 30,
      channels: ['sms'],
      message: '你好',
    });
    expectProblem(warning, 400, 'invalid_argument');
    expect(violationFields(warning)).toEqual(['channels', 'message']);
    const noMessage = await call('POST', '/alert-rules', 'admin', { ...body, message: undefined });
    expectProblem(noMessage, 400, 'invalid_argument');
    expect(violationFields(noMessage)).toEqual(['message']);
    const badPlaceholder = await call('POST', '/alert-rules', 'admin', { ...body, message: '{name}生日快乐' });
    expectProblem(badPlaceholder, 400, 'invalid_argument');
    expect(violationFields(badPlaceholder)).toEqual(['message']);

    const customer = await call('POST', '/customers', 'rep.west.1', { name: `华西问候客户 ${RUN}`, kind: 'company' });
    const contact = await call('POST', `/customers/${customer.body.id}/contacts`, 'rep.west.1', {
      name: `寿星 ${RUN}`,
      birthday: todayInChina(),
      phones: [{ kind: 'mobile', number: '13812345678' }],
      email: 'shouxing@example.com',
    });
    expect(contact.status).toBe(201);
    const created = await call('POST', '/alert-rules', 'admin', body);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ channels: ['sms', 'email'], sendTime: '23:59', message: body.message });
    const read = await call('GET', `/alert-rules/${created.body.id}`, 'admin');
    expect(read.body).toMatchObject({ kind: 'contact_birthday', channels: ['sms', 'email'], sendTime: '23:59', message: body.message });
    const plain = await call(
      'PUT',
      `/alert-rules/${created.body.id}`,
      'admin',
      { name: body.name, days: 0, enabled: false },
      { 'if-match': '"1"' },
    );
    expect(plain.body).toMatchObject({ channels: [], sendTime: '09:00', message: null, version: 2 });
    const restored = await call('PUT', `/alert-rules/${created.body.id}`, 'admin', { ...body, kind: undefined, version: 2 });
    expect(restored.body).toMatchObject({ channels: ['sms', 'email'], sendTime: '23:59', version: 3 });

    expect((await call('POST', '/alert-rules/run', 'admin', {})).status).toBe(200);
    const [alert] = (await call('GET', `/alerts?ruleId=${created.body.id}&customerId=${customer.body.id}`, 'rep.west.1')).body
      .items as Record<string, unknown>[];
    const lastMinuteToday = Date.parse(`${chinaDate()}T15:59:00.000Z`);
    expect(alert.delivery).toEqual({
      channels: ['sms', 'email'],
      undeliverableChannels: [],
      sendAt: expect.any(String),
      recipientContactId: contact.body.id,
      recipientName: `寿星 ${RUN}`,
      phone: '13812345678',
      email: 'shouxing@example.com',
      message: `寿星 ${RUN}您好，华西问候客户 ${RUN}祝您生日快乐！`,
    });
    // 23:59 China time today, unless the check ran in that last minute: then right away.
    const sendAt = Date.parse((alert.delivery as { sendAt: string }).sendAt);
    expect(sendAt).toBe(Date.now() < lastMinuteToday ? lastMinuteToday : sendAt);
    expect(sendAt).toBeGreaterThanOrEqual(lastMinuteToday);
    expect(alert.reason).toContain('通过短信、邮件向「寿星');
    expect((await call('GET', `/alerts?ruleId=${created.body.id}&customerId=${customer.body.id}`, 'rep.east.1')).body.items).toEqual([]);
  });
});
