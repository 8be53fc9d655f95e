import type { AppError } from '@liaison/runtime';
import { checkNotification, MAX_NOTIFIED_CUSTOMERS, type NotificationInput } from './bulk-notification';

const A = '8a1f3c52-0000-4000-8000-00000000000a';
const valid: NotificationInput = { customerIds: [A], channel: 'sms', templateId: '', text: '【理念CRM】尊敬的客户，您好！', subject: '' };

function fieldsRefused(input: Partial<NotificationInput>): string[] {
  try {
    checkNotification({ ...valid, ...input });
    return [];
  } catch (error) {
    expect((error as AppError).code).toBe('invalid_argument');
    return (error as AppError).violations.map((violation) => violation.field);
  }
}

describe('bulk notification requests', () => {
  it('accepts a Chinese SMS text and keeps line breaks', () => {
    expect(checkNotification({ ...valid, text: ' 第一行\n第二行 ' })).toEqual({
      customerIds: [A],
      channel: 'sms',
      templateId: null,
      text: '第一行\n第二行',
      subject: null,
    });
  });

  it('accepts a template instead of a text, and a subject for e-mail', () => {
    expect(
      checkNotification({ ...valid, channel: 'email', text: '', templateId: 'spring-festival.2025', subject: '新春问候' }),
    ).toMatchObject({ templateId: 'spring-festival.2025', text: null, subject: '新春问候' });
  });

  it('needs a channel and exactly one of text and template', () => {
    expect(fieldsRefused({ channel: null })).toEqual(['channel']);
    expect(fieldsRefused({ text: '' })).toEqual(['text']);
    expect(fieldsRefused({ templateId: 'welcome' })).toEqual(['template_id']);
    expect(fieldsRefused({ text: '', templateId: 'bad id!' })).toEqual(['template_id']);
  });

  it('refuses overly long or control-character texts and subjects on SMS', () => {
    expect(fieldsRefused({ text: '字'.repeat(2001) })).toEqual(['text']);
    expect(fieldsRefused({ text: '字'.repeat(2000) })).toEqual([]);
    expect(fieldsRefused({ text: 'bell\u0007' })).toEqual(['text']);
    expect(fieldsRefused({ subject: '主题' })).toEqual(['subject']);
    expect(fieldsRefused({ channel: 'system', subject: 'two\nlines' })).toEqual(['subject']);
  });

  it('refuses empty, malformed and too long customer lists', () => {
    expect(fieldsRefused({ customerIds: [] })).toEqual(['customer_ids']);
    expect(fieldsRefused({ customerIds: [A, 'x'] })).toEqual(['customer_ids[1]']);
    expect(fieldsRefused({ customerIds: Array.from({ length: MAX_NOTIFIED_CUSTOMERS + 1 }, () => A) })).toEqual(['customer_ids']);
  });
});
