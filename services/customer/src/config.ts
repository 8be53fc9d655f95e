import { commonSettings, env, loadConfigOrExit, oidcSettings } from '@liaison/runtime';

export const settings = {
  ...commonSettings,
  ...oidcSettings,
  GRPC_PORT: env.port(50051),
  DATABASE_URL: env.url(undefined, ['postgres', 'postgresql']),
  KAFKA_BROKERS: env.list(),
  KAFKA_TOPIC_PARTITIONS: env.int(3, 1),
  KAFKA_REPLICATION_FACTOR: env.int(1, 1),
};

export type CustomerConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit(settings, source);
}
