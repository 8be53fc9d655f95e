import { AppError } from '@liaison/runtime';
import {
  alertKindOf,
  messagePieces,
  reasonOf,
  renderMessage,
  validateRuleSettings,
  type AlertRuleSettings,
  type CareDelivery,
} from './alert';

const settings = (overrides: Partial<AlertRuleSettings> = {}): AlertRuleSettings => ({
  name: '30天未联系预警',
  days: 30,
  month: null,
  day: null,
  categories: [],
  targetOnly: false,
  enabled: true,
  channels: [],
  sendTime: null,
  message: null,
  ...overrides,
});

function violationsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('invalid_argument');
    return (error as AppError).violations.map((violation) => violation.field);
  }
  throw new Error('expected a validation error');
}

describe('alert rule validation', () => {
  it('accepts a warning rule and normalises name and categories', () => {
    const valid = validateRuleSettings('no_contact', settings({ name: '  超期联系预警 ', categories: ['key', 'potential', 'key'] }));
    expect(valid).toMatchObject({ name: '超期联系预警', categories: ['potential', 'key'], month: null, day: null });
  });

  it('keeps warning days between 1 and 3650', () => {
    expect(violationsOf(() => validateRuleSettings('no_order', settings({ days: 0 })))).toEqual(['days']);
    expect(violationsOf(() => validateRuleSettings('no_order', settings({ days: 3651 })))).toEqual(['days']);
    expect(violationsOf(() => validateRuleSettings('no_order', settings({ days: 1.5 })))).toEqual(['days']);
    expect(validateRuleSettings('no_order', settings({ days: 3650 })).days).toBe(3650);
  });

  it('lets care rules remind on the day (0) up to a year ahead', () => {
    expect(validateRuleSettings('contact_birthday', settings({ days: 0 })).days).toBe(0);
    expect(violationsOf(() => validateRuleSettings('contact_birthday', settings({ days: 366 })))).toEqual(['days']);
  });

  it('needs a real month and day for a fixed date, and none for other kinds', () => {
    expect(validateRuleSettings('fixed_date', settings({ name: '国庆节关怀', days: 3, month: 10, day: 1 }))).toMatchObject({
      month: 10,
      day: 1,
    });
    expect(validateRuleSettings('fixed_date', settings({ days: 3, month: 2, day: 29 }))).toMatchObject({ month: 2, day: 29 });
    expect(violationsOf(() => validateRuleSettings('fixed_date', settings({ days: 3, month: null, day: null })))).toEqual(['month']);
    expect(violationsOf(() => validateRuleSettings('fixed_date', settings({ days: 3, month: 4, day: 31 })))).toEqual(['day']);
    expect(violationsOf(() => validateRuleSettings('fixed_date', settings({ days: 3, month: 13, day: 1 })))).toEqual(['month']);
    expect(violationsOf(() => validateRuleSettings('no_contact', settings({ month: 10, day: 1 })))).toEqual(['month']);
  });

  it('names every problem at once: kind, name, days, categories', () => {
    const fields = violationsOf(() => validateRuleSettings(undefined, settings({ name: ' ', days: -1, categories: ['vip' as never] })));
    expect(fields).toEqual(['kind', 'name', 'days', 'categories[0]']);
    expect(violationsOf(() => validateRuleSettings('no_contact', settings({ name: '预'.repeat(51) })))).toEqual(['name']);
  });

  it('tells warnings from care', () => {
    expect(['no_contact', 'no_order'].map((kind) => alertKindOf(kind as never))).toEqual(['warning', 'warning']);
    expect(['contact_birthday', 'fixed_date', 'deal_anniversary'].map((kind) => alertKindOf(kind as never))).toEqual([
      'care',
      'care',
      'care',
    ]);
  });
});

describe('care greetings', () => {
  const birthday = (overrides: Partial<AlertRuleSettings>) =>
    validateRuleSettings('contact_birthday', settings({ name: '生日关怀', days: 0, ...overrides }));

  it("default to the owner's reminder only, sent at 09:00", () => {
    expect(birthday({})).toMatchObject({ channels: [], sendTime: '09:00', message: null });
    expect(birthday({ sendTime: '' })).toMatchObject({ sendTime: '09:00' });
  });

  it('take channels in a fixed order without repeats, a send time and a trimmed message', () => {
    const valid = birthday({
      channels: ['email', 'sms', 'email'],
      sendTime: '18:30',
      message: '  {contact}，生日快乐！——{customer} 的朋友们 ',
    });
    expect(valid).toMatchObject({ channels: ['sms', 'email'], sendTime: '18:30', message: '{contact}，生日快乐！——{customer} 的朋友们' });
    expect(
      validateRuleSettings('fixed_date', settings({ days: 1, month: 10, day: 1, channels: ['sms'], message: '国庆快乐' })),
    ).toMatchObject({ channels: ['sms'] });
    expect(validateRuleSettings('deal_anniversary', settings({ days: 1, message: '感谢合作' }))).toMatchObject({
      channels: [],
      message: '感谢合作',
    });
  });

  it('need a message on channels, of at most 300 characters', () => {
    expect(violationsOf(() => birthday({ channels: ['sms'] }))).toEqual(['message']);
    expect(violationsOf(() => birthday({ channels: ['sms'], message: '   ' }))).toEqual(['message']);
    expect(birthday({ channels: ['sms'], message: '祝'.repeat(300) }).message).toHaveLength(300);
    expect(violationsOf(() => birthday({ channels: ['sms'], message: '祝'.repeat(301) }))).toEqual(['message']);
  });

  it('refuse unknown placeholders, bad times and unknown channels', () => {
    expect(violationsOf(() => birthday({ channels: ['sms'], message: '{name}，生日快乐' }))).toEqual(['message']);
    expect(violationsOf(() => birthday({ channels: ['sms'], message: '{Customer}' }))).toEqual(['message']);
    for (const sendTime of ['9:00', '24:00', '09:60', '0900', '09:00:00'])
      expect(violationsOf(() => birthday({ sendTime }))).toEqual(['send_time']);
    expect(birthday({ sendTime: '00:00' }).sendTime).toBe('00:00');
    expect(birthday({ sendTime: '23:59' }).sendTime).toBe('23:59');
    expect(violationsOf(() => birthday({ channels: ['sms', 'fax' as never], message: '你好' }))).toEqual(['channels[1]']);
  });

  it('are refused on warnings, each setting named', () => {
    expect(
      violationsOf(() => validateRuleSettings('no_contact', settings({ channels: ['sms'], sendTime: '09:00', message: '你好' }))),
    ).toEqual(['channels', 'send_time', 'message']);
    expect(validateRuleSettings('no_order', settings({ sendTime: '', message: '' }))).toMatchObject({
      channels: [],
      sendTime: null,
      message: null,
    });
  });

  it('fill in the names in one pass, leaving literal braces and other text alone', () => {
    expect(messagePieces('{contact}您好，{customer}祝您生日快乐')).toEqual([
      { kind: 'contact', text: '' },
      { kind: 'text', text: '您好，' },
      { kind: 'customer', text: '' },
      { kind: 'text', text: '祝您生日快乐' },
    ]);
    expect(renderMessage('{contact}您好，{customer}祝您生日快乐', { customer: '华东机电', contact: '王芳' })).toBe(
      '王芳您好，华东机电祝您生日快乐',
    );
    expect(renderMessage('亲爱的{contact}：{customer}与您同庆', { customer: '名叫{contact}的公司', contact: '王芳' })).toBe(
      '亲爱的王芳：名叫{contact}的公司与您同庆',
    );
    expect(renderMessage('节日快乐 {', { customer: 'x', contact: 'y' })).toBe('节日快乐 {');
    expect(messagePieces('{customer}')).toEqual([{ kind: 'customer', text: '' }]);
  });
});

describe('alert reasons', () => {
  const base = {
    ruleName: '规则',
    customerName: '华东机电',
    contactName: null,
    referenceDate: '2026-01-02',
    sinceCreation: false,
    dueDate: '2026-02-01',
    days: 35,
  };

  it('says how long a customer was not contacted, and since when', () => {
    expect(reasonOf({ ...base, ruleKind: 'no_contact' })).toBe('客户「华东机电」已 35 天未联系（上次联系 2026-01-02）');
    expect(reasonOf({ ...base, ruleKind: 'no_contact', sinceCreation: true })).toBe('客户「华东机电」自 2026-01-02 创建以来已 35 天未联系');
    expect(reasonOf({ ...base, ruleKind: 'no_order' })).toBe('客户「华东机电」已 35 天无订单（上次下单 2026-01-02）');
  });

  it('names the contact, the date and the days left for care', () => {
    expect(reasonOf({ ...base, ruleKind: 'contact_birthday', contactName: '王芳', dueDate: '2027-01-03', days: 5 })).toBe(
      '客户「华东机电」的联系人「王芳」1月3日生日（还有 5 天），请送上关怀',
    );
    expect(reasonOf({ ...base, ruleKind: 'fixed_date', ruleName: '国庆节关怀', dueDate: '2026-10-01', days: 0 })).toBe(
      '「国庆节关怀」10月1日（今天），请关怀客户「华东机电」',
    );
    expect(reasonOf({ ...base, ruleKind: 'deal_anniversary', referenceDate: '2023-05-20', dueDate: '2026-05-20', days: 2 })).toBe(
      '客户「华东机电」成交 3 周年：5月20日（还有 2 天），请送上关怀',
    );
  });

  it('tell the owner about the planned greeting, in China time, and what cannot be sent', () => {
    const delivery: CareDelivery = {
      channels: ['sms', 'email'],
      undeliverableChannels: [],
      sendAt: new Date('2027-01-03T01:00:00Z'),
      recipientContactId: null,
      recipientName: '王芳',
      phone: '13800000000',
      email: 'wang@example.com',
      message: '生日快乐',
    };
    const birthday = { ...base, ruleKind: 'contact_birthday' as const, contactName: '王芳', dueDate: '2027-01-03', days: 5 };
    const reminder = '客户「华东机电」的联系人「王芳」1月3日生日（还有 5 天），请送上关怀';
    expect(reasonOf({ ...birthday, delivery })).toBe(`${reminder}；将于 1月3日 09:00 通过短信、邮件向「王芳」发送问候`);
    expect(reasonOf({ ...birthday, delivery: { ...delivery, channels: ['sms'], undeliverableChannels: ['email'] } })).toBe(
      `${reminder}；将于 1月3日 09:00 通过短信向「王芳」发送问候（无邮箱，邮件未发送）`,
    );
    expect(reasonOf({ ...birthday, delivery: { ...delivery, channels: [], undeliverableChannels: ['sms', 'email'] } })).toBe(
      `${reminder}；「王芳」无手机号和邮箱，问候无法自动发送`,
    );
    expect(reasonOf({ ...birthday, delivery: null })).toBe(reminder);
  });
});
