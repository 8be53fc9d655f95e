import { postgresServiceSettings } from '@liaison/platform';
import { loadConfigOrExit } from '@liaison/runtime';

// What the sales-pipeline service reads from its environment: the platform's settings for a
// PostgreSQL service, then its own (none yet).
export const settings = {
  ...postgresServiceSettings,
};

export type SalesPipelineConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit(settings, source);
}
