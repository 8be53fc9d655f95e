import type { PostgresGrpcServer } from '@liaison/platform';
import type { Pool } from '@liaison/runtime';
import { SettingService } from '../domain/setting-service';
import { settingHandlers } from './setting-handlers';

// Every gRPC API of the sales-pipeline service, one line each: a new API is one more line here and its
// proto file in SALES_PIPELINE_PROTO_FILES (for reflection).

export const SALES_PIPELINE_PROTO_FILES = ['setting'].map((name) => `liaison/sales/v1/${name}.proto`);

/** The use cases that jobs and tests drive as well. */
export interface SalesPipelineApis {
  settings: SettingService;
}

export function addSalesPipelineApis(grpc: PostgresGrpcServer, deps: { pool: Pool }): SalesPipelineApis {
  const settings = new SettingService(deps.pool);
  grpc.addService(settingHandlers.definition, settingHandlers(settings), settingHandlers.policies);
  return { settings };
}
