import type { Policies, RpcContext } from '@liaison/platform';
import { customerViewV1 } from '@liaison/contracts';
import type { CustomerViewService } from '../domain/customer-view-service';
import { timelineToProto, view360ToProto } from './customer-view-mapper';

type Ctx = RpcContext;

/** CustomerViewService RPCs: the 360 view and the timeline of one customer. */
export function customerViewHandlers(service: CustomerViewService) {
  return {
    async getCustomer360(request: customerViewV1.GetCustomer360Request, ctx: Ctx): Promise<customerViewV1.GetCustomer360Response> {
      return { view: view360ToProto(await service.get360(ctx.principal, request.customerId)) };
    },

    async getCustomerTimeline(
      request: customerViewV1.GetCustomerTimelineRequest,
      ctx: Ctx,
    ): Promise<customerViewV1.GetCustomerTimelineResponse> {
      const page = await service.timeline(ctx.principal, request.customerId, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
      });
      return timelineToProto(page);
    },
  };
}

customerViewHandlers.definition = customerViewV1.CustomerViewServiceService;
customerViewHandlers.policies = {
  getCustomer360: { permission: ['customer', 'read'] },
  getCustomerTimeline: { permission: ['customer', 'read'] },
} satisfies Policies<typeof customerViewV1.CustomerViewServiceService>;
