import { salesSettingV1 } from '@liaison/contracts';
import type { Policies, RpcContext } from '@liaison/platform';
import type { SettingService } from '../domain/setting-service';
import { toProtoSetting } from './setting-mapper';

/** SettingService RPCs: protobuf in, use case, protobuf out. */
export function settingHandlers(service: SettingService) {
  return {
    async getSetting(request: salesSettingV1.GetSettingRequest): Promise<salesSettingV1.GetSettingResponse> {
      return { setting: toProtoSetting(await service.get(request.key)) };
    },

    async putSetting(request: salesSettingV1.PutSettingRequest, ctx: RpcContext): Promise<salesSettingV1.PutSettingResponse> {
      const command = { key: request.key, value: request.value, expectedVersion: request.expectedVersion };
      return { setting: toProtoSetting(await service.put(ctx.tx, ctx.principal, command)) };
    },
  };
}

settingHandlers.definition = salesSettingV1.SettingServiceService;
// Each RPC's permission (and transaction), checked by the server before the handler runs.
settingHandlers.policies = {
  getSetting: { permission: ['admin', 'read'] },
  putSetting: { permission: ['admin', 'update'], transaction: true },
} satisfies Policies<typeof salesSettingV1.SettingServiceService>;
