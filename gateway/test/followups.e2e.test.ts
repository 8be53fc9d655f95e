import { followUpEventsV1 } from '@liaison/contracts';
import { collectRecords, subjectOf, userToken, waitFor, type RecordCollector } from '@liaison/testkit';
import { apiCaller, expectProblem, type Reply } from './http';
import { startPlatform, type Platform } from './platform';

// Follow-up records, annotations and the revision history through the front door: Keycloak
// token → gateway → customer service → PostgreSQL → outbox → Kafka.

const DATABASE = 'followups_e2e';
const RUN = Date.now().toString(36);
const HOUR = 3_600_000;
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);
let events: RecordCollector;

beforeAll(async () => {
  events = await collectRecords(['liaison.customer.v1']);
  platform = await startPlatform(DATABASE);
});

afterAll(async () => {
  await events?.stop();
  await platform?.stop();
});

async function createCustomer(user: string, name: string): Promise<{ id: string; version: number }> {
  const reply = await call('POST', '/customers', user, { name: `${name} ${RUN}`, kind: 'company' });
  expect(reply.status).toBe(201);
  return reply.body as { id: string; version: number };
}

const ids = (reply: Reply) => (reply.body.items as { id: string }[]).map((item) => item.id);

describe('follow-ups through the gateway', () => {
  it('walks a visit: record in Chinese, team view, annotation (批示) for the rep, 24-hour edits, soft delete', async () => {
    const customer = await createCustomer('rep.east.1', '南京鼓楼医疗器械');
    const occurredAt = new Date(Date.now() - 3 * HOUR - (Date.now() % 1000)).toISOString();
    const created = await call('POST', `/customers/${customer.id}/follow-ups`, 'rep.east.1', {
      method: 'visit',
      content: '拜访设备科张主任：\n试用反馈良好，计划下月招标。',
      occurredAt,
      nextFollowUpDate: '2099-01-05',
      reminder: 'key',
    });
    expect(created.status).toBe(201);
    const followUp = created.body as { id: string; authorId: string };
    expect(created.headers.get('location')).toMatch(new RegExp(`/api/v1/follow-ups/${followUp.id}$`));
    expect(created.body).toMatchObject({
      customerId: customer.id,
      contactId: null,
      method: 'visit',
      content: '拜访设备科张主任：\n试用反馈良好，计划下月招标。',
      occurredAt,
      nextFollowUpDate: '2099-01-05',
      reminder: 'key',
      authorId: subjectOf(await userToken('rep.east.1')),
      annotations: [],
    });

    expect(ids(await call('GET', `/customers/${customer.id}/follow-ups`, 'rep.east.1'))).toEqual([followUp.id]);
    expectProblem(await call('GET', `/customers/${customer.id}/follow-ups`, 'rep.east.2'), 404, 'not_found');
    expectProblem(await call('GET', `/follow-ups/${followUp.id}`, 'rep.east.2'), 404, 'not_found');
    const range = `occurredFrom=${encodeURIComponent(occurredAt)}&occurredTo=${encodeURIComponent(new Date(Date.parse(occurredAt) + 1).toISOString())}`;
    expect(ids(await call('GET', `/team/follow-ups?${range}&method=visit,phone`, 'manager.east'))).toEqual([followUp.id]);
    expect(ids(await call('GET', `/team/follow-ups?${range}&method=phone`, 'manager.east'))).toEqual([]);
    expect(ids(await call('GET', `/team/follow-ups?${range}`, 'manager.west'))).toEqual([]);

    expectProblem(await call('POST', `/follow-ups/${followUp.id}/annotations`, 'rep.east.1', { comment: '自己批示' }), 403, 'forbidden');
    expectProblem(await call('POST', `/follow-ups/${followUp.id}/annotations`, 'manager.west', { comment: '越权' }), 404, 'not_found');
    const annotated = await call('POST', `/follow-ups/${followUp.id}/annotations`, 'manager.east', { comment: '抓紧招标前的技术交流' });
    expect(annotated.status).toBe(201);
    expect(annotated.body).toMatchObject({ comment: '抓紧招标前的技术交流', authorId: subjectOf(await userToken('manager.east')) });
    const seen = await call('GET', `/follow-ups/${followUp.id}`, 'rep.east.1');
    expect((seen.body.annotations as { comment: string }[]).map((item) => item.comment)).toEqual(['抓紧招标前的技术交流']);

    const patched = await call('PATCH', `/follow-ups/${followUp.id}`, 'rep.east.1', {
      content: '已约好技术交流',
      reminder: 'none',
      nextFollowUpDate: null,
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ content: '已约好技术交流', reminder: 'none', nextFollowUpDate: null, method: 'visit' });
    expectProblem(await call('PATCH', `/follow-ups/${followUp.id}`, 'manager.east', { content: '经理改' }), 403, 'not_author');
    await platform.query("UPDATE follow_ups SET created_at = now() - interval '25 hours' WHERE id = $1", [followUp.id]);
    expectProblem(await call('PATCH', `/follow-ups/${followUp.id}`, 'rep.east.1', { content: '太晚了' }), 409, 'edit_window_closed');

    expectProblem(await call('DELETE', `/follow-ups/${followUp.id}`, 'rep.east.1'), 403, 'forbidden');
    expect((await call('DELETE', `/follow-ups/${followUp.id}`, 'admin')).status).toBe(204);
    expectProblem(await call('GET', `/follow-ups/${followUp.id}`, 'rep.east.1'), 404, 'not_found');

    const notice = await waitFor('the annotation event', async () =>
      events.records.find((item) => item.key === customer.id && item.headers.ce_type === 'liaison.events.v1.FollowUpAnnotated'),
    );
    expect(followUpEventsV1.FollowUpAnnotated.decode(notice.value!)).toMatchObject({
      followUpId: followUp.id,
      repId: followUp.authorId,
      annotation: { comment: '抓紧招标前的技术交流' },
    });
  });

  it('answers bad input with problem+json and field violations', async () => {
    const customer = await createCustomer('rep.east.1', '输入校验');
    const path = `/customers/${customer.id}/follow-ups`;
    expectProblem(await call('POST', path, 'rep.east.1', { method: 'visit', content: '字'.repeat(5001) }), 400, 'validation_failed');
    expectProblem(await call('POST', path, 'rep.east.1', { method: 'fax', content: '传真' }), 400, 'validation_failed');
    expectProblem(await call('POST', path, 'rep.east.1', { method: 'visit', content: '多余字段', author: 'x' }), 400, 'validation_failed');
    const future = await call('POST', path, 'rep.east.1', {
      method: 'phone',
      content: '未来的电话',
      occurredAt: new Date(Date.now() + 5 * HOUR).toISOString(),
    });
    expectProblem(future, 400, 'invalid_argument');
    expect(future.body.violations).toEqual([{ field: 'occurredAt', message: 'must not be in the future' }]);
    expectProblem(
      await call('POST', path, 'rep.east.1', { method: 'phone', content: '提醒没有日期', reminder: 'normal' }),
      400,
      'invalid_argument',
    );
    expectProblem(await call('GET', `${path}?pageSize=0`, 'rep.east.1'), 400, 'validation_failed');
    expectProblem(await call('PATCH', '/follow-ups/00000000-0000-4000-8000-000000000000', 'rep.east.1', {}), 400, 'validation_failed');
    expectProblem(await call('POST', path, 'analyst', { method: 'visit', content: '分析师' }), 403, 'forbidden');
  });

  it('shows the revision history of a customer: who, which field, before and after', async () => {
    const customer = await createCustomer('rep.east.1', '修订历史');
    const patched = await call('PATCH', `/customers/${customer.id}`, 'rep.east.1', {
      starRating: 3,
      industry: '医疗',
      version: customer.version,
    });
    expect(patched.status).toBe(200);
    const moved = await call('POST', `/customers/${customer.id}/category`, 'rep.east.1', {
      category: 'key',
      reason: '预算已批',
      version: (patched.body as { version: number }).version,
    });
    expect(moved.status).toBe(200);
    const rep = subjectOf(await userToken('rep.east.1'));
    const reply = await call('GET', `/customers/${customer.id}/history`, 'manager.east');
    expect(reply.status).toBe(200);
    expect(
      (reply.body.items as Record<string, unknown>[]).map(({ field, before, after, reason, changedBy }) => ({
        field,
        before,
        after,
        reason,
        changedBy,
      })),
    ).toEqual([
      { field: 'category', before: 'potential', after: 'key', reason: '预算已批', changedBy: rep },
      { field: 'star_rating', before: 0, after: 3, reason: null, changedBy: rep },
      { field: 'industry', before: null, after: '医疗', reason: null, changedBy: rep },
    ]);
    expect(reply.body.nextPageToken).toBeNull();
    const firstPage = await call('GET', `/customers/${customer.id}/history?pageSize=2`, 'rep.east.1');
    const secondPage = await call(
      'GET',
      `/customers/${customer.id}/history?pageSize=2&pageToken=${firstPage.body.nextPageToken}`,
      'rep.east.1',
    );
    expect([...ids(firstPage), ...ids(secondPage)]).toEqual(ids(reply));
    expectProblem(await call('GET', `/customers/${customer.id}/history`, 'rep.east.2'), 404, 'not_found');
    expectProblem(await call('GET', `/customers/${customer.id}/history`, 'manager.west'), 404, 'not_found');
  });
});
