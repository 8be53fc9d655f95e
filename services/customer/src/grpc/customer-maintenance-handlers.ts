import type { Policies, RpcContext } from '@liaison/platform';
import { customerMaintenanceV1 } from '@liaison/contracts';
import type { Pool } from '@liaison/runtime';
import { BulkService } from '../domain/bulk';
import type { NotificationChannel } from '../domain/bulk-notification';
import { MergeService, type DuplicatePair } from '../domain/merge';
import type { DuplicateReason } from '../domain/merge-duplicates';
import { SharingService } from '../domain/sharing';
import { CHANNEL_TO_PROTO } from '../events/customer-maintenance-events';
import type { Share } from '../persistence/customer-maintenance-repository';
import { toProtoCustomer } from './customer-mapper';

type Ctx = RpcContext;

export interface MaintenanceServices {
  merge: MergeService;
  bulk: BulkService;
  sharing: SharingService;
}

export function customerMaintenanceServices(pool: Pool): MaintenanceServices {
  return { merge: new MergeService(pool), bulk: new BulkService(pool), sharing: new SharingService(pool) };
}

const { DuplicateReason: ProtoReason } = customerMaintenanceV1;

const REASON_TO_PROTO: Record<DuplicateReason, customerMaintenanceV1.DuplicateReason> = {
  name: ProtoReason.DUPLICATE_REASON_NAME,
  phone: ProtoReason.DUPLICATE_REASON_PHONE,
  email: ProtoReason.DUPLICATE_REASON_EMAIL,
};

function channelFromProto(channel: customerMaintenanceV1.CustomerNotificationChannel): NotificationChannel | null {
  return (Object.keys(CHANNEL_TO_PROTO) as NotificationChannel[]).find((key) => CHANNEL_TO_PROTO[key] === channel) ?? null;
}

function toProtoPair(pair: DuplicatePair): customerMaintenanceV1.DuplicatePair {
  return {
    first: toProtoCustomer(pair.first),
    second: toProtoCustomer(pair.second),
    reasons: pair.reasons.map((reason) => REASON_TO_PROTO[reason]),
    score: pair.score,
  };
}

function toProtoShare(share: Share): customerMaintenanceV1.CustomerShare {
  return { customerId: share.customerId, unit: share.unit, shareTime: share.sharedAt, sharedBy: share.sharedBy ?? '' };
}

/** CustomerMaintenanceService RPCs: protobuf in, domain use case, protobuf out. */
export function customerMaintenanceHandlers(services: MaintenanceServices) {
  const { merge, bulk, sharing } = services;
  return {
    async findDuplicateCustomers(
      request: customerMaintenanceV1.FindDuplicateCustomersRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.FindDuplicateCustomersResponse> {
      const found = await merge.findDuplicates(ctx.principal, {
        customerId: request.customerId,
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
      });
      return { pairs: found.pairs.map(toProtoPair), page: { nextPageToken: found.nextPageToken } };
    },

    async mergeCustomers(
      request: customerMaintenanceV1.MergeCustomersRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.MergeCustomersResponse> {
      return { survivor: toProtoCustomer(await merge.merge(ctx.tx, ctx.principal, request)) };
    },

    async deleteCustomers(
      request: customerMaintenanceV1.DeleteCustomersRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.DeleteCustomersResponse> {
      return { deletedIds: await bulk.deleteCustomers(ctx.tx, ctx.principal, request.ids, request.reason) };
    },

    async restoreCustomers(
      request: customerMaintenanceV1.RestoreCustomersRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.RestoreCustomersResponse> {
      return { customers: (await bulk.restoreCustomers(ctx.tx, ctx.principal, request.ids)).map(toProtoCustomer) };
    },

    async listDeletedCustomers(
      request: customerMaintenanceV1.ListDeletedCustomersRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.ListDeletedCustomersResponse> {
      const page = await bulk.listDeleted(ctx.principal, {
        pageSize: request.page?.pageSize ?? 0,
        pageToken: request.page?.pageToken ?? '',
        nameContains: request.nameContains,
      });
      return {
        customers: page.items.map((item) => ({
          customer: toProtoCustomer(item.customer),
          deleteTime: item.deletedAt,
          deletedBy: item.deletedBy ?? '',
          reason: item.reason ?? '',
        })),
        page: { nextPageToken: page.nextPageToken },
      };
    },

    async requestCustomerNotification(
      request: customerMaintenanceV1.RequestCustomerNotificationRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.RequestCustomerNotificationResponse> {
      const receipt = await bulk.requestNotification(ctx.tx, ctx.principal, {
        customerIds: request.customerIds,
        channel: channelFromProto(request.channel),
        templateId: request.templateId,
        text: request.text,
        subject: request.subject,
      });
      return { notificationId: receipt.notificationId, acceptedCustomerIds: receipt.acceptedIds, notFoundCustomerIds: receipt.notFoundIds };
    },

    async shareCustomer(
      request: customerMaintenanceV1.ShareCustomerRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.ShareCustomerResponse> {
      const result = await sharing.share(ctx.tx, ctx.principal, request.customerId, request.unit);
      return { share: toProtoShare(result.share), created: result.created };
    },

    async unshareCustomer(
      request: customerMaintenanceV1.UnshareCustomerRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.UnshareCustomerResponse> {
      await sharing.unshare(ctx.tx, ctx.principal, request.customerId, request.unit);
      return {};
    },

    async listCustomerShares(
      request: customerMaintenanceV1.ListCustomerSharesRequest,
      ctx: Ctx,
    ): Promise<customerMaintenanceV1.ListCustomerSharesResponse> {
      return { shares: (await sharing.list(ctx.principal, request.customerId)).map(toProtoShare) };
    },
  };
}

customerMaintenanceHandlers.definition = customerMaintenanceV1.CustomerMaintenanceServiceService;
customerMaintenanceHandlers.policies = {
  findDuplicateCustomers: { permission: ['customer', 'read'] },
  // customer:approve as well, checked once the customers are found in scope (see MergeService).
  mergeCustomers: { permission: ['customer', 'update'], transaction: true },
  deleteCustomers: { permission: ['customer', 'delete'], transaction: true },
  restoreCustomers: { permission: ['admin', 'update'], transaction: true },
  listDeletedCustomers: { permission: ['admin', 'read'] },
  requestCustomerNotification: { permission: ['messaging', 'create'], transaction: true },
  shareCustomer: { permission: ['customer', 'assign'], transaction: true },
  unshareCustomer: { permission: ['customer', 'assign'], transaction: true },
  listCustomerShares: { permission: ['customer', 'read'] },
} satisfies Policies<typeof customerMaintenanceV1.CustomerMaintenanceServiceService>;
