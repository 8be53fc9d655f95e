import { subjectOf, userToken } from '@liaison/testkit';
import { apiCaller, type Reply } from './http';
import { startPlatform, type Platform } from './platform';

// Whatever a service names a field of its violations (protobuf: page_token, to_owner_unit,
// settings.send_time), the client is told the name it sent in JSON: these requests pass the
// gateway's own validation and are refused by the customer service, on routes of every kind.

const RUN = Date.now().toString(36);
const JUNK_PAGE_TOKEN = 'bm90LWEtcGFnZS10b2tlbg';
const LISTS = [
  '/customers',
  '/customer-imports',
  '/approvals',
  '/alerts',
  '/handovers',
  '/pool/customers',
  '/pending-customers',
  '/team/follow-ups',
  '/duplicate-customers',
];
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);

beforeAll(async () => {
  platform = await startPlatform('error_field_names_e2e');
});

afterAll(async () => {
  await platform?.stop();
});

const fieldsOf = (reply: Reply) => ((reply.body.violations ?? []) as { field: string }[]).map((violation) => violation.field);

async function createCustomer(user: string): Promise<string> {
  const reply = await call('POST', '/customers', user, { name: `字段名客户 ${RUN}`, kind: 'company' });
  expect(reply.status).toBe(201);
  return reply.body.id as string;
}

describe('field names in the answers of the services', () => {
  const answers: Reply[] = [];
  const refused = async (reply: Promise<Reply>, status: number) => {
    const answer = await reply;
    expect({ status: answer.status, type: answer.type }).toEqual({ status, type: expect.stringContaining('application/problem+json') });
    answers.push(answer);
    return fieldsOf(answer);
  };

  it('names the page token of every list as the query did', async () => {
    for (const list of LISTS) {
      const fields = await refused(call('GET', `${list}?pageSize=100&pageToken=${JUNK_PAGE_TOKEN}`, 'admin'), 400);
      expect({ list, fields }).toEqual({ list, fields: ['pageToken'] });
    }
  });

  it('names the fields of bodies as they were sent, where protobuf nests or names them otherwise', async () => {
    const customerId = await createCustomer('rep.east.1');
    const transfer = { customerIds: [customerId], toOwnerId: subjectOf(await userToken('rep.west.1')), reason: '调岗' };
    expect(await refused(call('POST', '/customers/transfer', 'manager.east', { ...transfer, toOwnerUnit: '/Sales/West' }), 403)).toEqual([
      'toOwnerUnit',
    ]);
    const assign = { customerIds: [customerId], assigneeId: transfer.toOwnerId, assigneeUnit: '/Sales/West' };
    expect(await refused(call('POST', '/customers/assign', 'manager.east', assign), 403)).toEqual(['assigneeUnit']);

    const future = { method: 'phone', content: '未来的电话', occurredAt: new Date(Date.now() + 3_600_000).toISOString() };
    expect(await refused(call('POST', `/customers/${customerId}/follow-ups`, 'rep.east.1', future), 400)).toEqual(['occurredAt']);

    const warning = { kind: 'no_contact', name: `字段名规则 ${RUN}`, days: 30, sendTime: '08:00' };
    expect(await refused(call('POST', '/alert-rules', 'admin', warning), 400)).toEqual(['sendTime']);
  });

  it('lets no snake_case name escape in any of those answers', () => {
    const fields = answers.flatMap(fieldsOf);
    expect(fields.length).toBeGreaterThanOrEqual(LISTS.length + 4);
    expect(fields.filter((field) => field.includes('_'))).toEqual([]);
  });
});
