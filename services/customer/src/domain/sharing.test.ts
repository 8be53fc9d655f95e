import type { AppError } from '@liaison/runtime';
import { checkPartnerUnit } from './sharing';

function refused(unit: string): boolean {
  try {
    checkPartnerUnit(unit);
    return false;
  } catch (error) {
    expect((error as AppError).violations).toEqual([{ field: 'unit', message: expect.any(String) }]);
    return true;
  }
}

describe('partner units a customer can be shared with', () => {
  it('accepts organisations below /Partners, Chinese names too', () => {
    expect(checkPartnerUnit('/Partners/Acme')).toBe('/Partners/Acme');
    expect(checkPartnerUnit(' /Partners/华东代理商/杭州 ')).toBe('/Partners/华东代理商/杭州');
  });

  it('refuses /Partners itself, other trees and malformed paths', () => {
    for (const unit of [
      '/Partners',
      '/Partners/',
      '/Sales/East',
      'Partners/Acme',
      '/Partners//Acme',
      '/Partners/Acme/',
      '/Partners/ Acme',
      '/PartnersX/Acme',
      `/Partners/${'a'.repeat(200)}`,
      '/Partners/Ac\u0000me',
      '',
    ]) {
      expect([unit, refused(unit)]).toEqual([unit, true]);
    }
  });
});
