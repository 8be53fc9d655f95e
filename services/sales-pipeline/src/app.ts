import path from 'node:path';
import { Topics } from '@liaison/contracts';
import { startPostgresService, type RunningService } from '@liaison/platform';
import { loadSqlMigrations } from '@liaison/runtime';
import { loadConfig, type SalesPipelineConfig } from './config';
import { addSalesPipelineApis, SALES_PIPELINE_PROTO_FILES, type SalesPipelineApis } from './grpc/sales-pipeline-apis';
import { salesPipelineJobs } from './jobs/sales-pipeline-jobs';
import { salesPipelineProjections } from './projections/sales-pipeline-projections';

// The sales-pipeline service on the platform's service defaults (libs/platform): what is its own is
// declared here; the wiring and the shutdown order are the same as every service's.

export type RunningSalesPipelineService = RunningService<SalesPipelineApis>;

export function startSalesPipelineService(config: SalesPipelineConfig = loadConfig()): Promise<RunningSalesPipelineService> {
  return startPostgresService({
    config,
    topic: Topics.sales,
    protoFiles: SALES_PIPELINE_PROTO_FILES,
    migrationScope: 'sales-pipeline',
    migrations: loadSqlMigrations(path.resolve(__dirname, '../migrations')),
    apis: (grpc, { pool }) => addSalesPipelineApis(grpc, { pool }),
    projections: () => salesPipelineProjections(),
    jobs: () => salesPipelineJobs(),
  });
}
