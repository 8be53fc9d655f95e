import { AppError } from '@liaison/runtime';
import { changedFields, cleanText, validateFields, type CustomerFields } from './customer';

const valid: CustomerFields = {
  name: '杭州西湖茶业有限公司',
  kind: 'company',
  phone: '+86 571-8888 6666',
  email: 'sales@xihu-tea.cn',
  industry: '食品饮料',
  source: '展会',
  starRating: 4,
  creditLimit: { minorUnits: 50_000_000, currencyCode: 'CNY' },
  nature: '民营企业',
  province: '浙江省',
  city: '杭州市',
  isTarget: true,
  customFields: {},
};

function violationsOf(fields: Partial<CustomerFields>): string[] {
  try {
    validateFields({ ...valid, ...fields });
    return [];
  } catch (error) {
    return (error as AppError).violations.map((v) => v.field);
  }
}

describe('customer validation', () => {
  it('accepts a complete Chinese company record', () => {
    expect(violationsOf({})).toEqual([]);
  });

  it('reports each bad field by its API name', () => {
    expect(violationsOf({ name: '' })).toEqual(['name']);
    expect(violationsOf({ name: '公'.repeat(201) })).toEqual(['name']);
    expect(violationsOf({ name: 'ACME\u0007' })).toEqual(['name']);
    expect(violationsOf({ kind: 'robot' as never })).toEqual(['kind']);
    expect(violationsOf({ phone: 'call me' })).toEqual(['phone']);
    expect(violationsOf({ email: 'not-an-email' })).toEqual(['email']);
    expect(violationsOf({ starRating: 6 })).toEqual(['star_rating']);
    expect(violationsOf({ province: null })).toEqual(['region.city']);
    expect(violationsOf({ starRating: 2.5 })).toEqual(['star_rating']);
    expect(violationsOf({ creditLimit: { minorUnits: -1, currencyCode: 'cny' } })).toEqual([
      'credit_limit.minor_units',
      'credit_limit.currency_code',
    ]);
  });

  it('counts characters, not UTF-16 units, against the name limit', () => {
    expect(violationsOf({ name: '𠀀'.repeat(200) })).toEqual([]);
  });

  it('normalises text to NFC and trims it', () => {
    expect(cleanText('  Cafe\u0301 ')).toBe('Café');
    expect(cleanText('   ')).toBeNull();
  });

  it('lists changed fields by mask path', () => {
    expect(changedFields(valid, { ...valid, starRating: 5, creditLimit: null })).toEqual(['star_rating', 'credit_limit']);
    expect(changedFields(valid, { ...valid })).toEqual([]);
    expect(changedFields(valid, { ...valid, city: '宁波市' })).toEqual(['region']);
  });
});
