import { env, loadConfigOrExit } from '@liaison/runtime';
import { postgresServiceSettings, projectionSettings } from '@liaison/platform';

export const settings = {
  ...postgresServiceSettings,
  ...projectionSettings,
  // Rows per import transaction: the unit of progress and of what a failure leaves committed.
  IMPORT_CHUNK_ROWS: env.int(10_000, 1),
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
