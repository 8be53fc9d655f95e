import { Metadata } from '@grpc/grpc-js';
import { readConfig } from '@liaison/runtime';
import { ensureDatabase, stack, userToken } from '@liaison/testkit';
import { startSalesPipelineService, type RunningSalesPipelineService } from '../src/app';
import { settings } from '../src/config';

// What every integration test of the sales-pipeline service needs: the service in-process against
// the real stack, on a database of the test's own, and gRPC metadata carrying a demo user's token.

/** gRPC metadata with the access token of a demo user (password `liaison`). */
export async function callerMetadata(username: string): Promise<Metadata> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await userToken(username)}`);
  return metadata;
}

/** Starts the service on free ports with the given database; `extra` overrides settings. */
export async function startServiceUnderTest(database: string, extra: Record<string, string> = {}): Promise<RunningSalesPipelineService> {
  return startSalesPipelineService(
    readConfig(settings, {
      SERVICE_NAME: 'sales-pipeline-it',
      LOG_LEVEL: 'warn',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      DATABASE_URL: await ensureDatabase(database),
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
      ...extra,
    }),
  );
}
