import { commonSettings, env, loadConfigOrExit, oidcSettings } from '@liaison/runtime';

export const settings = {
  ...commonSettings,
  ...oidcSettings,
  OIDC_CLIENT_SECRET: env.secret('unused-by-gateway'),
  HTTP_PORT: env.port(8080),
  PUBLIC_URL: env.url('http://localhost:8080'),
  CUSTOMER_GRPC_ADDR: env.string('localhost:50051'),
  GRPC_DEADLINE_MS: env.int(5000, 100),
  BODY_LIMIT: env.string('64kb'),
};

export type GatewayConfig = ReturnType<typeof loadConfig>;

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit(settings, source);
}

const SERVICE_ADDRESS = /^([A-Z][A-Z0-9_]*)_GRPC_ADDR$/;

/**
 * Every backend service the gateway is told of, by name: CUSTOMER_GRPC_ADDR → customer,
 * SALES_PIPELINE_GRPC_ADDR → sales-pipeline (the chart and scripts/start set one per service).
 */
export function serviceAddressesOf(config: GatewayConfig, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const addresses: Record<string, string> = { customer: config.CUSTOMER_GRPC_ADDR };
  for (const [variable, value] of Object.entries(source)) {
    const match = SERVICE_ADDRESS.exec(variable);
    if (match && value) addresses[match[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return addresses;
}
