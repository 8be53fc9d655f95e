import type { Policies, RpcContext } from '@liaison/platform';
import { customerV1 } from '@liaison/contracts';
import { AppError } from '@liaison/runtime';
import type { CustomerService, ListQuery } from '../domain/customer-service';
import type { Category } from '../domain/lifecycle';
import { categoryFromProto, fieldsFromProto, sortFromProto, toProtoCustomer } from './customer-mapper';

function categoriesOf(values: customerV1.CustomerCategory[]): Category[] {
  return values.map((value, index) => {
    const category = categoryFromProto(value);
    if (!category) throw AppError.invalid('unknown category', [{ field: `categories[${index}]`, message: 'is not a category' }]);
    return category;
  });
}

function cleanList(values: string[]): string[] | undefined {
  const cleaned = values.map((value) => value.normalize('NFC').trim()).filter(Boolean);
  return cleaned.length ? cleaned : undefined;
}

type Ctx = RpcContext;

/** CustomerService RPCs: protobuf in, domain use case, protobuf out. */
export function customerHandlers(service: CustomerService) {
  return {
    async createCustomer(request: customerV1.CreateCustomerRequest, ctx: Ctx): Promise<customerV1.CreateCustomerResponse> {
      const customer = await service.create(ctx.tx, ctx.principal, {
        fields: fieldsFromProto(request),
        category: request.category ? (categoryFromProto(request.category) ?? ('unknown' as Category)) : null,
        ownerId: request.ownerId || null,
        requestId: request.requestId || null,
      });
      return { customer: toProtoCustomer(customer) };
    },

    async getCustomer(request: customerV1.GetCustomerRequest, ctx: Ctx): Promise<customerV1.GetCustomerResponse> {
      return { customer: toProtoCustomer(await service.get(ctx.principal, request.id)) };
    },

    async listCustomers(request: customerV1.ListCustomersRequest, ctx: Ctx): Promise<customerV1.ListCustomersResponse> {
      const list = await service.list(ctx.principal, listQueryFromProto(request));
      return { customers: list.customers.map(toProtoCustomer), page: { nextPageToken: list.nextPageToken } };
    },

    async updateCustomer(request: customerV1.UpdateCustomerRequest, ctx: Ctx): Promise<customerV1.UpdateCustomerResponse> {
      const customer = await service.update(ctx.tx, ctx.principal, {
        id: request.id,
        expectedVersion: request.expectedVersion,
        maskPaths: request.updateMask ?? [],
        fields: fieldsFromProto(request.customer ?? customerV1.Customer.fromPartial({})),
      });
      return { customer: toProtoCustomer(customer) };
    },

    async changeCustomerCategory(
      request: customerV1.ChangeCustomerCategoryRequest,
      ctx: Ctx,
    ): Promise<customerV1.ChangeCustomerCategoryResponse> {
      const category = categoryFromProto(request.category);
      if (!category) throw AppError.invalid('category is required', [{ field: 'category', message: 'must be a category' }]);
      const customer = await service.changeCategory(ctx.tx, ctx.principal, {
        id: request.id,
        expectedVersion: request.expectedVersion,
        category,
        dealDate: request.dealDate,
        reason: request.reason,
      });
      return { customer: toProtoCustomer(customer) };
    },
  };
}

customerHandlers.definition = customerV1.CustomerServiceService;
customerHandlers.policies = {
  createCustomer: { permission: ['customer', 'create'], transaction: true },
  getCustomer: { permission: ['customer', 'read'] },
  listCustomers: { permission: ['customer', 'read'] },
  updateCustomer: { permission: ['customer', 'update'], transaction: true },
  changeCustomerCategory: { permission: ['customer', 'update'], transaction: true },
} satisfies Policies<typeof customerV1.CustomerServiceService>;

/** The search of a ListCustomersRequest, also used by exports (same filters, same rules). */
export function listQueryFromProto(request: customerV1.ListCustomersRequest): ListQuery {
  const sort = sortFromProto(request.sort);
  if (!sort) throw AppError.invalid('unknown sort', [{ field: 'sort', message: 'is not a sort order' }]);
  return {
    pageSize: request.page?.pageSize ?? 0,
    pageToken: request.page?.pageToken ?? '',
    nameContains: request.nameContains,
    ownerId: request.ownerId || undefined,
    phoneContains: request.phoneContains,
    categories: categoriesOf(request.categories),
    natures: cleanList(request.natures),
    sources: cleanList(request.sources),
    industries: cleanList(request.industries),
    provinces: cleanList(request.provinces),
    cities: cleanList(request.cities),
    minStars: request.minStars || undefined,
    maxStars: request.maxStars || undefined,
    onlyTargets: request.onlyTargets,
    createdFrom: request.createdFrom,
    createdTo: request.createdTo,
    dealDateFrom: request.dealDateFrom || undefined,
    dealDateTo: request.dealDateTo || undefined,
    customFieldFilters: request.customFieldFilters,
    sort,
  };
}
