import { salesSettingV1 } from '@liaison/contracts';
import type { Setting } from '../domain/setting';

// Settings between the domain and protobuf, for the handlers (and the events, when there are).

export function toProtoSetting(setting: Setting): salesSettingV1.Setting {
  return salesSettingV1.Setting.fromPartial({
    key: setting.key,
    value: setting.value,
    version: setting.version,
    updatedBy: setting.updatedBy,
    updateTime: setting.updatedAt,
  });
}
