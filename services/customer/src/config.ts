import { commonSettings, env, kafkaSettings, loadConfigOrExit, oidcSettings } from '@liaison/runtime';

export const settings = {
  ...commonSettings,
  ...oidcSettings,
  ...kafkaSettings,
  GRPC_PORT: env.port(50051),
  DATABASE_URL: env.url(undefined, ['postgres', 'postgresql']),
  // Rows per import transaction: the unit of progress and of what a failure leaves committed.
  IMPORT_CHUNK_ROWS: env.int(10_000, 1),
  // The customer projection's consumer (360 figures, value score); off for processes that only serve.
  PROJECTIONS_ENABLED: env.bool(true),
  // Default: customer-projections.<database name>, one group per database the projection writes.
  PROJECTIONS_GROUP_ID: env.optionalString(),
  // A new group starts at the newest events; true replays what Kafka still holds (a rebuild).
  PROJECTIONS_FROM_BEGINNING: env.bool(false),
  // How often the return-to-pool rule is evaluated; 0 = never on a schedule (RunPoolRuleNow still works).
  POOL_RULE_INTERVAL_MS: env.int(3_600_000, 0),
  // How often the warning and care rules are checked; 0 = never on a schedule (RunAlertRulesNow still works).
  ALERT_CHECK_INTERVAL_MS: env.int(3_600_000, 0),
  // How often to look for value scores not computed today (recency moves with the calendar); 0 = never.
  VALUE_RESCORE_INTERVAL_MS: env.int(3_600_000, 0),
};

export type CustomerConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit(settings, source);
}
