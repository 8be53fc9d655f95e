import { checkLeadFields, checkStatusChange, fieldsOfMask, type LeadFields } from './lead';

const fields = (overrides: Partial<LeadFields> = {}): LeadFields => ({
  contactName: '李雷',
  companyName: '杭州云帆科技有限公司',
  phone: '13812345678',
  email: '',
  source: '官网表单',
  province: '浙江省',
  city: '杭州市',
  description: '咨询二期产线改造',
  ...overrides,
});

describe('lead fields', () => {
  it('trims every field and keeps Chinese text as it is', () => {
    expect(checkLeadFields(fields({ contactName: '  李雷 ', city: '杭州市 ' }))).toMatchObject({ contactName: '李雷', city: '杭州市' });
  });

  it('names every bad field at once, in snake_case under lead', () => {
    const error = (() => {
      try {
        checkLeadFields(fields({ contactName: ' ', phone: 'call me', email: 'not-an-address', source: '来'.repeat(51) }));
      } catch (caught) {
        return caught as { code: string; violations: { field: string }[] };
      }
    })();
    expect(error?.code).toBe('invalid_argument');
    expect(error?.violations.map((violation) => violation.field).sort()).toEqual([
      'lead.contact_name',
      'lead.email',
      'lead.phone',
      'lead.source',
    ]);
  });

  it('wants a phone number or an e-mail address, and counts characters, not bytes', () => {
    expect(() => checkLeadFields(fields({ phone: '', email: '' }))).toThrow(/invalid/);
    expect(checkLeadFields(fields({ phone: '', email: 'li.lei@example.cn' })).email).toBe('li.lei@example.cn');
    expect(checkLeadFields(fields({ contactName: '李'.repeat(100) })).contactName).toHaveLength(100);
  });

  it('refuses control characters, except line breaks in the description', () => {
    expect(() => checkLeadFields(fields({ companyName: '云帆\u0007' }))).toThrow(/invalid/);
    expect(checkLeadFields(fields({ description: '第一行\n第二行' })).description).toBe('第一行\n第二行');
  });

  it('takes update masks of known fields only', () => {
    expect(fieldsOfMask(['phone', 'contact_name', 'phone'])).toEqual(['phone', 'contactName']);
    expect(() => fieldsOfMask([])).toThrow(/empty/);
    expect(() => fieldsOfMask(['status'])).toThrow(/cannot be updated/);
  });
});

describe('lead statuses', () => {
  const change = (status: string, disqualifyReason: string | null = null, note = '') =>
    ({ status, disqualifyReason, note }) as Parameters<typeof checkStatusChange>[1];

  it('moves new → contacted → qualified, and back to contacted', () => {
    expect(checkStatusChange('new', change('contacted')).status).toBe('contacted');
    expect(checkStatusChange('contacted', change('qualified')).status).toBe('qualified');
    expect(checkStatusChange('qualified', change('contacted')).status).toBe('contacted');
  });

  it('disqualifies an open lead only with a reason, and "other" only with a note', () => {
    expect(checkStatusChange('new', change('disqualified', 'no_budget')).disqualifyReason).toBe('no_budget');
    expect(() => checkStatusChange('new', change('disqualified'))).toThrow(/disqualify_reason is required/);
    expect(() => checkStatusChange('contacted', change('disqualified', 'other'))).toThrow(/note is required/);
    expect(checkStatusChange('contacted', change('disqualified', 'other', ' 客户已倒闭 ')).note).toBe('客户已倒闭');
    expect(() => checkStatusChange('new', change('contacted', 'no_need'))).toThrow(/only for disqualifying/);
  });

  it('reopens a disqualified lead as new, and nothing else', () => {
    expect(checkStatusChange('disqualified', change('new')).status).toBe('new');
    expect(() => checkStatusChange('disqualified', change('qualified'))).toThrow(/cannot become qualified/);
  });

  it('never converts by a status change, and a converted lead stays converted', () => {
    expect(() => checkStatusChange('qualified', change('converted'))).toThrow(/converted by conversion/);
    expect(() => checkStatusChange('converted', change('new'))).toThrow(/cannot become new/);
  });

  it('refuses the status it already has', () => {
    expect(() => checkStatusChange('contacted', change('contacted'))).toThrow(/cannot become contacted/);
  });
});
