import path from 'node:path';
import { Topics } from '@liaison/contracts';
import { startPostgresService, type RunningService } from '@liaison/platform';
import { loadSqlMigrations } from '@liaison/runtime';
import { loadConfig, type CustomerConfig } from './config';
import { BaseDataService } from './domain/base-data-service';
import { addCustomerApis, CUSTOMER_PROTO_FILES, type CustomerJobServices } from './grpc/customer-apis';
import { customerJobs } from './jobs/customer-jobs';
import { customerProjectionHandler } from './projections/customer-projection';
import { PROJECTED_TOPICS } from './projections/projectors';

// The customer service on the platform's service defaults (libs/platform): what is its own is
// declared here, the wiring and the shutdown order are the same as every service's.

const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');

export type RunningCustomerService = RunningService<CustomerJobServices>;

export function startCustomerService(config: CustomerConfig = loadConfig()): Promise<RunningCustomerService> {
  return startPostgresService({
    config,
    topic: Topics.customer,
    migrationScope: 'customer',
    migrations: loadSqlMigrations(MIGRATIONS_DIR),
    protoFiles: CUSTOMER_PROTO_FILES,
    prepare: ({ pool }) => new BaseDataService(pool).seed(),
    apis: (grpc, { pool, host }) =>
      addCustomerApis(grpc, { pool, host, baseData: new BaseDataService(pool), importChunkRows: config.IMPORT_CHUNK_ROWS }),
    projections: ({ host }) =>
      config.PROJECTIONS_ENABLED
        ? [
            {
              name: 'customer-projections',
              topics: PROJECTED_TOPICS,
              handler: customerProjectionHandler({ logger: host.logger }),
              groupId: config.PROJECTIONS_GROUP_ID,
              fromBeginning: config.PROJECTIONS_FROM_BEGINNING,
            },
          ]
        : [],
    jobs: (services, { pool }) => customerJobs({ pool, ...services }, config),
  });
}
