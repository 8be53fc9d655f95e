import type { AppError } from '@liaison/runtime';
import type { Customer } from './customer';
import { checkTakeFields, survivorFields } from './merge-fields';

const base: Customer = {
  id: 'survivor',
  name: '杭州西湖茶业有限公司',
  kind: 'company',
  phone: '0571-8888 6666',
  email: null,
  industry: '茶叶',
  source: null,
  starRating: 3,
  creditLimit: null,
  nature: null,
  province: '浙江省',
  city: '杭州市',
  isTarget: false,
  customFields: {},
  category: 'key',
  dealDate: null,
  ownerId: 'rep-1',
  ownerUnit: '/Sales/East',
  version: 4,
  createdAt: new Date(0),
  createdBy: 'rep-1',
  updatedAt: new Date(0),
  updatedBy: 'rep-1',
};

const merged: Customer = {
  ...base,
  id: 'merged',
  name: '杭州西湖茶业',
  phone: '+86 571 8888 6666',
  email: 'sales@xihu-tea.cn',
  province: '浙江省',
  city: '宁波市',
  category: 'potential',
  ownerId: 'rep-2',
  version: 2,
};

describe('fields a survivor takes in a merge', () => {
  it('accepts update mask paths, each once, and expands region to province and city', () => {
    expect(checkTakeFields(['email', 'region', 'email'])).toEqual({ paths: ['email', 'region'], keys: ['email', 'province', 'city'] });
    expect(checkTakeFields([])).toEqual({ paths: [], keys: [] });
  });

  it('refuses fields that no update could change, naming each by position', () => {
    try {
      checkTakeFields(['phone', 'owner_id', 'category', '__proto__']);
      throw new Error('expected a refusal');
    } catch (error) {
      expect((error as AppError).code).toBe('invalid_argument');
      expect((error as AppError).violations.map((violation) => violation.field)).toEqual([
        'take_fields[1]',
        'take_fields[2]',
        'take_fields[3]',
      ]);
    }
  });

  it("keeps the survivor's values except the taken ones", () => {
    const next = survivorFields(base, merged, checkTakeFields(['email', 'region']).keys);
    expect(next).toMatchObject({
      name: '杭州西湖茶业有限公司',
      phone: '0571-8888 6666',
      email: 'sales@xihu-tea.cn',
      city: '宁波市',
      industry: '茶叶',
    });
    expect(next).toMatchObject({ ownerId: 'rep-1', category: 'key', version: 4 });
  });
});
