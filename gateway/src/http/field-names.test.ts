import { AppError } from '@liaison/runtime';
import { jsonFieldName, withJsonFieldNames } from './field-names';

describe('JSON names of the fields a service names', () => {
  it('recases every segment, indices and nesting kept', () => {
    expect(jsonFieldName('to_owner_unit')).toBe('toOwnerUnit');
    expect(jsonFieldName('customer_ids[2]')).toBe('customerIds[2]');
    expect(jsonFieldName('successors[0].user_id')).toBe('successors[0].userId');
    expect(jsonFieldName('custom_field_filters[1].key')).toBe('customFieldFilters[1].key');
  });

  it('applies the names every route shares: paging at the top, version, update mask', () => {
    expect(jsonFieldName('page_token')).toBe('pageToken');
    expect(jsonFieldName('page.page_size')).toBe('pageSize');
    expect(jsonFieldName('expected_version')).toBe('version');
    expect(jsonFieldName('update_mask.star_rating')).toBe('starRating');
  });

  it('keeps a custom field key as the client spelled it', () => {
    expect(jsonFieldName('custom_fields.budget_level')).toBe('customFields.budget_level');
  });

  it('keeps what a route marks as named by the client, e.g. the columns of a CSV', () => {
    expect(jsonFieldName('lines[4].parent_code', { lines: null })).toBe('lines[4].parent_code');
  });

  it("prefers the route's renames, the longest match first, and leaves partial words alone", () => {
    const renames = { 'filter': '', 'filter.methods': 'method', 'mergedExpectedVersion': 'mergedVersion', 'customerId': 'id' };
    expect(jsonFieldName('filter.occurred_to', renames)).toBe('occurredTo');
    expect(jsonFieldName('filter.methods[3]', renames)).toBe('method[3]');
    expect(jsonFieldName('merged_expected_version', renames)).toBe('mergedVersion');
    expect(jsonFieldName('customer_id', renames)).toBe('id');
    expect(jsonFieldName('customer_ids[0]', renames)).toBe('customerIds[0]');
  });

  it('renames the violations of an error and keeps its code and reason', () => {
    const error = new AppError('invalid_argument', 'bad', [{ field: 'settings.target_only', message: 'no' }], 'why');
    const renamed = withJsonFieldNames(error, { settings: '' });
    expect(renamed).toMatchObject({ code: 'invalid_argument', message: 'bad', reason: 'why' });
    expect(renamed.violations).toEqual([{ field: 'targetOnly', message: 'no' }]);
  });
});
