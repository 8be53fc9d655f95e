import type { Principal } from '@liaison/auth';
import { customerV1 } from '@liaison/contracts';
import type { CallContext } from '@liaison/runtime';
import type { CustomerService } from '../domain/customer-service';
import { fieldsFromProto, toProtoCustomer } from './customer-mapper';

type Ctx = CallContext<Principal>;

/** CustomerService RPCs: protobuf in, domain use case, protobuf out. */
export function customerHandlers(service: CustomerService) {
  return {
    async createCustomer(request: customerV1.CreateCustomerRequest, ctx: Ctx): Promise<customerV1.CreateCustomerResponse> {
      const customer = await service.create(ctx.principal, {
        fields: fieldsFromProto(request),
        ownerId: request.ownerId || null,
        requestId: request.requestId || null,
      });
      return { customer: toProtoCustomer(customer) };
    },

    async getCustomer(request: customerV1.GetCustomerRequest, ctx: Ctx): Promise<customerV1.GetCustomerResponse> {
      return { customer: toProtoCustomer(await service.get(ctx.principal, request.id)) };
    },

    async listCustomers(request: customerV1.ListCustomersRequest, ctx: Ctx): Promise<customerV1.ListCustomersResponse> {
      const list = await service.list(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        nameContains: request.nameContains,
        ownerId: request.ownerId,
      });
      return { customers: list.customers.map(toProtoCustomer), page: { nextPageToken: list.nextPageToken } };
    },

    async updateCustomer(request: customerV1.UpdateCustomerRequest, ctx: Ctx): Promise<customerV1.UpdateCustomerResponse> {
      const customer = await service.update(ctx.principal, {
        id: request.id,
        expectedVersion: request.expectedVersion,
        maskPaths: request.updateMask ?? [],
        fields: fieldsFromProto(request.customer ?? customerV1.Customer.fromPartial({})),
      });
      return { customer: toProtoCustomer(customer) };
    },
  };
}

customerHandlers.definition = customerV1.CustomerServiceService;
