import { Metadata } from '@grpc/grpc-js';
import { readConfig } from '@liaison/runtime';
import { stack, userToken } from '@liaison/testkit';
import { startCustomerService, type RunningCustomerService } from '../src/app';
import { settings } from '../src/config';

// What every integration test of the customer service needs: the service in-process against
// the real stack, and gRPC metadata carrying a demo user's token.

/** gRPC metadata with the access token of a demo user (password `liaison`). */
export async function callerMetadata(username: string): Promise<Metadata> {
  const metadata = new Metadata();
  metadata.set('authorization', `Bearer ${await userToken(username)}`);
  return metadata;
}

/** Starts the customer service on free ports with its own database; `extra` overrides settings. */
export function startServiceUnderTest(
  name: string,
  databaseUrl: string,
  extra: Record<string, string> = {},
): Promise<RunningCustomerService> {
  return startCustomerService(
    readConfig(settings, {
      SERVICE_NAME: name,
      LOG_LEVEL: 'warn',
      GRPC_PORT: '0',
      HTTP_PORT: '0',
      DATABASE_URL: databaseUrl,
      KAFKA_BROKERS: stack.kafkaBrokers.join(','),
      OIDC_ISSUER: stack.issuer,
      OIDC_CLIENT_SECRET: 'liaison-internal-secret',
      ...extra,
    }),
  );
}
