import { ApiRouter } from './api-router';
import { openApiDocument } from './openapi';
import { validate } from './validation';
import { HttpProblem } from './problem';
import { customerRoutes } from '../routes/customers';
import { CreateCustomerBody, ListCustomersQuery, UpdateCustomerBody } from '../routes/customer-schemas';
import { listRequestFromQuery, updateRequestFromJson } from '../routes/customer-json';
import type { customerV1 } from '@liaison/contracts';

function violations(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HttpProblem);
    return (error as HttpProblem).violations ?? [];
  }
  throw new Error('expected a validation problem');
}

describe('request validation', () => {
  it('accepts a valid Chinese customer', () => {
    expect(
      validate(
        CreateCustomerBody,
        { name: '深圳腾飞科技有限公司', kind: 'company', creditLimit: { minorUnits: 100, currency: 'CNY' } },
        'body',
      ).name,
    ).toBe('深圳腾飞科技有限公司');
  });

  it('names unknown fields, missing fields and wrong types', () => {
    expect(violations(() => validate(CreateCustomerBody, { name: 7, hacker: true }, 'body'))).toEqual(
      expect.arrayContaining([
        { field: 'hacker', message: 'is not a known field' },
        { field: 'kind', message: 'is required' },
        { field: 'name', message: 'must be string' },
      ]),
    );
    expect(
      violations(() =>
        validate(CreateCustomerBody, { name: 'x', kind: 'company', creditLimit: { minorUnits: 1, currency: 'CNY', extra: 1 } }, 'body'),
      ),
    ).toEqual([{ field: 'creditLimit.extra', message: 'is not a known field' }]);
  });

  it('refuses the NUL character in any field, which no service can store', () => {
    expect(violations(() => validate(CreateCustomerBody, { name: 'a\u0000b', kind: 'company' }, 'body'))).toEqual([
      { field: 'name', message: 'must not contain the NUL character' },
    ]);
    expect(violations(() => validate(ListCustomersQuery, { q: '\u0000' }, 'query'))).toEqual([
      { field: 'q', message: 'must not contain the NUL character' },
    ]);
  });

  it('refuses an empty update', () => {
    expect(violations(() => validate(UpdateCustomerBody, {}, 'body'))).toHaveLength(1);
  });
});

describe('search query mapping', () => {
  it('turns comma lists, bounds and flags into the gRPC filter', () => {
    const request = listRequestFromQuery({
      category: 'key,deal',
      province: '浙江省, 江苏省',
      minStars: '3',
      target: 'true',
      sort: 'name',
      phone: '138-1234',
    });
    expect(request.categories).toEqual([3, 4]);
    expect(request.provinces).toEqual(['浙江省', '江苏省']);
    expect(request).toMatchObject({ minStars: 3, maxStars: 0, onlyTargets: true, sort: 2, phoneContains: '138-1234' });
  });

  it('refuses unknown categories and sorts at the door', () => {
    expect(violations(() => validate(ListCustomersQuery, { category: 'key,vip' }, 'query'))).toHaveLength(1);
    expect(violations(() => validate(ListCustomersQuery, { sort: 'random' }, 'query')).length).toBeGreaterThan(0);
  });
});

describe('update mapping', () => {
  it('puts exactly the fields present into the update mask, nulls included', () => {
    const request = updateRequestFromJson('id-1', 3, { phone: null, starRating: 2 });
    expect(request.updateMask).toEqual(['phone', 'star_rating']);
    expect(updateRequestFromJson('id-1', 3, { region: { province: '广东省', city: '深圳市' }, isTarget: true }).updateMask).toEqual([
      'region',
      'is_target',
    ]);
    expect(request.customer).toMatchObject({ phone: '', starRating: 2 });
    expect(request.expectedVersion).toBe(3);
  });
});

describe('OpenAPI document', () => {
  const api = new ApiRouter();
  customerRoutes(api, {} as customerV1.CustomerServiceClient);
  const doc = openApiDocument(api, { title: 't', version: '1', serverUrl: 'http://x/api/v1' }) as {
    openapi: string;
    paths: Record<
      string,
      Record<
        string,
        {
          'operationId': string;
          'x-permission': string;
          'requestBody'?: unknown;
          'parameters'?: { name: string; in: string }[];
          'responses': Record<string, { description: string }>;
        }
      >
    >;
    components: { schemas: Record<string, { properties?: Record<string, unknown>; additionalProperties?: boolean }> };
  };

  it('is OpenAPI 3.1 with one operation per declared route', () => {
    expect(doc.openapi).toBe('3.1.0');
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    expect(operations).toHaveLength(api.routes.length);
    expect(operations.map((op) => op['x-permission']).sort()).toEqual([
      'customer:create',
      'customer:read',
      'customer:read',
      'customer:update',
      'customer:update',
    ]);
  });

  it('publishes the same schemas that validate requests', () => {
    const create = doc.components.schemas.CreateCustomer;
    expect(Object.keys(create.properties ?? {}).sort()).toEqual(Object.keys(CreateCustomerBody.properties).sort());
    expect(create.additionalProperties).toBe(false);
    expect(JSON.stringify(doc)).not.toMatch(/"\$id"/);
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]);
    for (const ref of refs) expect(doc.components.schemas[ref]).toBeDefined();
  });

  it("documents the HTTP layer's own answers on every operation, body ones where a body is taken", () => {
    const statuses = (path: string, method: string) => Object.keys(doc.paths[path][method].responses);
    expect(statuses('/customers', 'get')).toEqual(['200', '400', '401', '403', '429', '431', '503', '504']);
    expect(statuses('/customers', 'post')).toEqual(['201', '400', '401', '403', '413', '415', '429', '431', '503', '504']);
    expect(statuses('/customers/{id}', 'patch')).toEqual(expect.arrayContaining(['404', '412', '413', '415', '428']));
  });

  it('documents path, query and header parameters', () => {
    const update = doc.paths['/customers/{id}'].patch;
    expect(update.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['path:id', 'header:If-Match']);
    expect(doc.paths['/customers'].get.parameters?.map((p) => p.name)).toEqual([
      'pageSize',
      'pageToken',
      'q',
      'phone',
      'ownerId',
      'category',
      'nature',
      'source',
      'industry',
      'province',
      'city',
      'minStars',
      'maxStars',
      'target',
      'createdFrom',
      'createdTo',
      'dealDateFrom',
      'dealDateTo',
      'sort',
    ]);
  });
});
