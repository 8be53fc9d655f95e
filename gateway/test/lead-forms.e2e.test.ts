import { subjectOf, userToken } from '@liaison/testkit';
import { apiCaller, expectProblem } from './http';
import { startPlatform, type Platform } from './platform';

// Web forms (SAL-01) through the public API: a form kept by a unit's manager, a visitor's
// submission without a login from any website, leads owned by the unit's rules, the honeypot,
// and the limits per client address and per form.

const RUN = Date.now().toString(36);
let platform: Platform;
const call = apiCaller(() => platform.baseUrl);

beforeAll(async () => {
  // Low public limits, so that the test reaches them; one trusted proxy (the test itself, as the
  // ingress in the chart) names the client address in X-Forwarded-For.
  platform = await startPlatform('lead_forms_e2e', { PUBLIC_LIMIT_PER_ADDRESS: '3', PUBLIC_LIMIT_PER_FORM: '5', TRUST_PROXY_HOPS: '1' });
});

afterAll(async () => {
  await platform?.stop();
});

async function createForm(source: string, unit = '/Sales/East'): Promise<{ id: string; key: string }> {
  const created = await call('POST', '/lead-forms', 'manager.east', { name: `官网咨询 ${RUN}`, source, unit });
  expect(created.status).toBe(201);
  return created.body as { id: string; key: string };
}

const submit = (key: string, body: unknown, headers: Record<string, string> = {}) =>
  call('POST', `/public/lead-forms/${key}/submissions`, { body, headers });

describe('lead web forms through the public API', () => {
  it('take a visitor’s entry without a login from any origin, and the lead goes to the rep the unit’s rule names', async () => {
    const source = `官网表单-${RUN}`;
    const form = await createForm(source);
    const rep1 = subjectOf(await userToken('rep.east.1'));
    const rule = await call('POST', '/lead-assignment-rules', 'manager.east', {
      name: '官网轮询',
      sources: [source],
      unit: '/Sales/East',
      members: [rep1],
    });
    expect(rule.status).toBe(201);

    const reply = await submit(
      form.key,
      { contactName: '李女士', companyName: `无锡精密 ${RUN}`, phone: '0510-8888 1234', description: '求购检测设备' },
      {
        origin: 'https://www.example-customer.cn',
      },
    );
    expect(reply.status).toBe(202);
    expect(reply.body).toEqual({ status: 'received' });
    expect(reply.headers.get('access-control-allow-origin')).toBe('https://www.example-customer.cn');
    const mine = await call('GET', `/leads?q=${encodeURIComponent(`无锡精密 ${RUN}`)}`, 'rep.east.1');
    expect(mine.body.items).toEqual([expect.objectContaining({ contactName: '李女士', source, ownerId: rep1, ownerUnit: '/Sales/East' })]);
  });

  it('drop what a bot entered in the hidden field, answering it like anyone', async () => {
    const form = await createForm(`蜜罐-${RUN}`);
    const reply = await submit(form.key, {
      contactName: 'bot',
      email: 'bot@spam.example',
      companyName: `蜜罐 ${RUN}`,
      website: 'http://spam.example',
    });
    expect(reply.status).toBe(202);
    expect((await call('GET', `/leads?q=${encodeURIComponent(`蜜罐 ${RUN}`)}`, 'manager.east')).body.items).toEqual([]);
  });

  it('refuse unknown keys, bad entries with the field named, and disabled forms', async () => {
    expectProblem(await submit('no-such-form-key-0000000', { contactName: '张三', email: 'z@example.cn' }), 404, 'not_found');
    const form = await createForm(`停用-${RUN}`);
    const bad = await submit(form.key, { contactName: '张三' });
    expectProblem(bad, 400, 'invalid_argument');
    expect(bad.body.violations.map((violation: { field: string }) => violation.field)).toEqual(['phone']);
    expectProblem(await submit(form.key, { contactName: '张三', email: 'z@example.cn', extra: 1 }), 400, 'validation_failed');
    const disabled = await call('PATCH', `/lead-forms/${form.id}`, 'manager.east', { enabled: false, version: 1 });
    expect(disabled.body).toMatchObject({ enabled: false, version: 2 });
    expectProblem(await submit(form.key, { contactName: '张三', email: 'z@example.cn' }), 404, 'not_found');
  });

  it('limit submissions per client address (told by the trusted proxy) and per form, telling when to retry', async () => {
    const form = await createForm(`限流-${RUN}`);
    const entry = { contactName: '刷单', email: 'flood@example.cn' };
    const from = (address: string) => ({ 'x-forwarded-for': address });
    for (let i = 0; i < 3; i++) expect((await submit(form.key, entry, from('203.0.113.1'))).status).toBe(202);
    const limited = await submit(form.key, entry, from('203.0.113.1'));
    expectProblem(limited, 429, 'rate_limited');
    expect(limited.body.detail).toContain('address');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('ratelimit-policy')).toContain('"address";q=3');
    // Entries the client put in front of the proxy's are not believed: still the same address.
    expectProblem(await submit(form.key, entry, from('198.51.100.7, 203.0.113.1')), 429, 'rate_limited');

    // Another address goes on until the form as a whole reaches its limit, and then no one does.
    const second: number[] = [];
    for (let i = 0; i < 3 && !second.includes(429); i++) second.push((await submit(form.key, entry, from('203.0.113.2'))).status);
    expect(second[0]).toBe(202);
    expect(second.at(-1)).toBe(429);
    const everyone = await submit(form.key, entry, from('203.0.113.3'));
    expectProblem(everyone, 429, 'rate_limited');
    expect(everyone.body.detail).toContain('form');
  });

  it('documents the route as public: no bearer security, no 401 or 403', async () => {
    const doc = (await (await fetch(`${platform.baseUrl}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { 'security': unknown[]; 'x-public'?: boolean; 'responses': Record<string, unknown> }>>;
    };
    const operation = doc.paths['/public/lead-forms/{key}/submissions'].post;
    expect(operation).toMatchObject({ 'security': [], 'x-public': true });
    expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['202', '404', '429']));
    expect(Object.keys(operation.responses)).not.toContain('401');
  });
});
