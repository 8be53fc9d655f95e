import { Metadata } from '@grpc/grpc-js';
import { salesLeadV1 } from '@liaison/contracts';
import { createGrpcClient, unary } from '@liaison/runtime';
import { clientToken, subjectOf, userToken } from '@liaison/testkit';
import { callerMetadata as as, startServiceUnderTest } from './support';
import type { RunningSalesPipelineService } from '../src/app';

// Web forms (SAL-01) against the real stack: kept per unit by its managers, submissions relayed
// by a service principal (the gateway in production) becoming leads with the form's source and
// the owner the unit's rules give, or waiting unassigned in the form's unit.

const RUN = Date.now().toString(36);
let service: RunningSalesPipelineService;
let forms: salesLeadV1.LeadFormServiceClient;
let leads: salesLeadV1.LeadServiceClient;
let rules: salesLeadV1.LeadAssignmentServiceClient;
let gateway: Metadata;

beforeAll(async () => {
  service = await startServiceUnderTest('sales_pipeline_it');
  const address = `127.0.0.1:${service.grpcPort}`;
  const options = (serviceName: string) => ({ serviceName, idempotentMethods: [], deadlineMs: 10_000 });
  forms = createGrpcClient(salesLeadV1.LeadFormServiceClient, address, options('liaison.sales.v1.LeadFormService'));
  leads = createGrpcClient(salesLeadV1.LeadServiceClient, address, options('liaison.sales.v1.LeadService'));
  rules = createGrpcClient(salesLeadV1.LeadAssignmentServiceClient, address, options('liaison.sales.v1.LeadAssignmentService'));
  gateway = new Metadata();
  gateway.set('authorization', `Bearer ${await clientToken('liaison-internal', 'liaison-internal-secret')}`);
});

afterAll(async () => {
  for (const client of [forms, leads, rules]) client?.close();
  await service?.host.stop();
});

const createForm = async (user: string, form: Partial<salesLeadV1.LeadForm>) =>
  (await unary(forms.createLeadForm.bind(forms), { form: salesLeadV1.LeadForm.fromPartial({ enabled: true, ...form }) }, await as(user)))
    .form!;
const submit = async (metadata: Metadata, formKey: string, lead: Partial<salesLeadV1.Lead> = {}) =>
  (
    await unary(
      forms.submitLeadForm.bind(forms),
      { formKey, lead: salesLeadV1.Lead.fromPartial({ contactName: '访客', email: 'visitor@example.cn', ...lead }) },
      metadata,
    )
  ).lead!;

describe('lead web forms', () => {
  it('turn a submission into a lead with the form’s source, owned by the rules of the form’s unit', async () => {
    const source = `官网表单-${RUN}`;
    const form = await createForm('manager.east', { name: '官网产品咨询', source, unit: '/Sales/East' });
    expect(form.key).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const rep1 = subjectOf(await userToken('rep.east.1'));
    await unary(
      rules.createLeadAssignmentRule.bind(rules),
      {
        rule: salesLeadV1.LeadAssignmentRule.fromPartial({
          name: '官网',
          priority: 1,
          sources: [source],
          unit: '/Sales/East',
          members: [rep1],
          enabled: true,
        }),
      },
      await as('manager.east'),
    );
    const lead = await submit(gateway, form.key, { companyName: '常州智造', source: '伪造来源', description: '想要报价' });
    expect(lead).toMatchObject({
      source,
      ownerId: rep1,
      ownerUnit: '/Sales/East',
      formId: form.id,
      status: salesLeadV1.LeadStatus.LEAD_STATUS_NEW,
    });
    expect((await unary(leads.getLead.bind(leads), { id: lead.id }, await as('rep.east.1'))).lead!.id).toBe(lead.id);
  });

  it('leave a lead no rule takes unassigned in the form’s unit, for its managers', async () => {
    const form = await createForm('manager.west', { name: '西区展会报名', source: `展会报名-${RUN}`, unit: '/Sales/West' });
    const lead = await submit(gateway, form.key);
    expect(lead).toMatchObject({ ownerId: '', ownerUnit: '/Sales/West' });
    expect((await unary(leads.getLead.bind(leads), { id: lead.id }, await as('manager.west'))).lead!.id).toBe(lead.id);
    await expect(unary(leads.getLead.bind(leads), { id: lead.id }, await as('manager.east'))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('refuse unknown, malformed and disabled keys alike, bad fields by name, and submissions not relayed by a service', async () => {
    const form = await createForm('manager.east', { name: '将停用', source: `停用-${RUN}`, unit: '/Sales/East' });
    await expect(submit(gateway, 'A'.repeat(24))).rejects.toMatchObject({ code: 'not_found' });
    await expect(submit(gateway, "x' OR 1=1")).rejects.toMatchObject({ code: 'not_found' });
    await expect(submit(gateway, form.key, { email: '', phone: '' })).rejects.toMatchObject({ code: 'invalid_argument' });
    await expect(submit(await as('manager.east'), form.key)).rejects.toMatchObject({ code: 'permission_denied' });
    const disabled = await unary(
      forms.updateLeadForm.bind(forms),
      { id: form.id, expectedVersion: 1, form: { ...form, enabled: false }, updateMask: ['enabled'] },
      await as('manager.east'),
    );
    expect(disabled.form).toMatchObject({ enabled: false, version: 2, key: form.key });
    await expect(submit(gateway, form.key)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('belong to their unit: other managers neither list nor change them, nor make forms for it; reps make none', async () => {
    const form = await createForm('manager.east', { name: '仅华东', source: `华东-${RUN}`, unit: '/Sales/East' });
    const listed = async (user: string) => (await unary(forms.listLeadForms.bind(forms), {}, await as(user))).forms.map((f) => f.id);
    expect(await listed('manager.east')).toContain(form.id);
    expect(await listed('admin')).toContain(form.id);
    expect(await listed('manager.west')).not.toContain(form.id);
    await expect(
      unary(
        forms.updateLeadForm.bind(forms),
        { id: form.id, expectedVersion: 1, form: { ...form, name: 'x' }, updateMask: ['name'] },
        await as('manager.west'),
      ),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(createForm('manager.west', { name: 'x', source: 'x', unit: '/Sales/East' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(createForm('rep.east.1', { name: 'x', source: 'x', unit: '/Sales/East' })).rejects.toMatchObject({
      code: 'permission_denied',
    });
    await expect(createForm('admin', { name: ' ', source: '', unit: 'East' })).rejects.toMatchObject({
      code: 'invalid_argument',
      violations: [{ field: 'form.name' }, { field: 'form.source' }, { field: 'form.unit' }].map(expect.objectContaining),
    });
  });
});
