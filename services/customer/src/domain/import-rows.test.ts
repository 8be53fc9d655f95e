import { mapHeader, majorAmountOf, minorUnitsOf } from './import-columns';
import { checkRow } from './import-rows';

const importer = { userId: 'u-1', username: 'manager.east' };

describe('import rows', () => {
  it('maps English and Chinese headings, ignores unknown ones, and needs a name column', () => {
    expect(mapHeader(['\uFEFF客户名称', 'Phone', '备注', '星级'])).toEqual({
      name: { index: 0, heading: '客户名称' },
      phone: { index: 1, heading: 'Phone' },
      star_rating: { index: 3, heading: '星级' },
    });
    expect(() => mapHeader(['电话'])).toThrow('no customer name column');
    expect(() => mapHeader(['name', '客户名称'])).toThrow('twice');
  });

  it('turns spreadsheet text into fields: 是/否, 企业/个人, 意向, amounts in yuan', () => {
    const columns = mapHeader(['客户名称', '客户类型', '目标客户', '客户类别', '信用额度', '邮箱']);
    const result = checkRow(2, [' 杭州精密 ', '个人', '是', '意向', '1,000.5', 'A@B.CN'], columns, importer, 'pool');
    expect(result).toEqual({
      ok: true,
      row: expect.objectContaining({
        rowNo: 2,
        category: 'intentional',
        owned: false,
        fields: expect.objectContaining({
          name: '杭州精密',
          kind: 'person',
          isTarget: true,
          email: 'a@b.cn',
          creditLimit: { minorUnits: 100_050, currencyCode: 'CNY' },
        }),
      }),
    });
  });

  it("names the file's column and value for every problem, using the rules of CreateCustomer", () => {
    const columns = mapHeader(['客户名称', '电话', '星级', '城市', '负责人']);
    const result = checkRow(7, ['x', 'abc', '9', '杭州市', 'someone.else'], columns, importer, 'importer');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((error) => [error.rowNo, error.column, error.value])).toEqual([
      [7, '负责人', 'someone.else'],
      [7, '电话', 'abc'],
      [7, '星级', '9'],
      [7, '城市', '杭州市'],
    ]);
  });

  it('accepts the importer or the pool as owner', () => {
    const columns = mapHeader(['name', 'owner']);
    expect(checkRow(2, ['x', 'Manager.East'], columns, importer, 'pool')).toMatchObject({ ok: true, row: { owned: true } });
    expect(checkRow(2, ['x', '公海'], columns, importer, 'importer')).toMatchObject({ ok: true, row: { owned: false } });
  });

  it('converts amounts between minor units and the major units a sheet shows', () => {
    expect(minorUnitsOf('￥1,234.56', 'CNY')).toBe(123_456);
    expect(minorUnitsOf('1.234', 'CNY')).toBeUndefined();
    expect(minorUnitsOf('500', 'JPY')).toBe(500);
    expect(majorAmountOf(123_456, 'CNY')).toBe('1234.56');
    expect(majorAmountOf(5, 'CNY')).toBe('0.05');
  });
});
