import { commonSettings, env, kafkaSettings, loadConfigOrExit, oidcSettings } from '@liaison/runtime';

export const settings = {
  ...commonSettings,
  ...oidcSettings,
  // The gateway's own client (liaison-internal): the public routes (web forms) call services as it.
  OIDC_CLIENT_SECRET: env.secret('unused-by-gateway'),
  HTTP_PORT: env.port(8080),
  PUBLIC_URL: env.url('http://localhost:8080'),
  CUSTOMER_GRPC_ADDR: env.string('localhost:50051'),
  SALES_PIPELINE_GRPC_ADDR: env.string('localhost:50052'),
  GRPC_DEADLINE_MS: env.int(5000, 100),
  BODY_LIMIT: env.string('64kb'),
  // The gateway's own database: the audit trail and the rate-limit counters of every replica.
  DATABASE_URL: env.url(undefined, ['postgres', 'postgresql']),
  ...kafkaSettings,
  // Origins of the web frontends allowed to call the API from a browser (CORS), comma-separated;
  // "none" for none. By default the web console in development (Vite on 5173).
  CORS_ALLOWED_ORIGINS: env.list(['http://localhost:5173', 'http://127.0.0.1:5173']),
  // GW-07 rate limits: requests per window per user and per client (0 = unlimited), and per-client
  // quotas that differ, e.g. "erp-connector=20000,partner-portal=3000".
  RATE_LIMIT_WINDOW_SEC: env.int(60, 1, 86_400),
  RATE_LIMIT_PER_USER: env.int(600, 0),
  RATE_LIMIT_PER_CLIENT: env.int(6_000, 0),
  RATE_LIMIT_CLIENTS: env.string('none'),
  // How often a replica adds its local counts to the shared ones (see rate-limit/rate-limiter.ts).
  RATE_LIMIT_FLUSH_MS: env.int(100, 10, 10_000),
  // Public routes (web forms, no login): submissions per window per client address and form, and
  // per form in all (0 = unlimited).
  PUBLIC_LIMIT_PER_ADDRESS: env.int(10, 0),
  PUBLIC_LIMIT_PER_FORM: env.int(600, 0),
  // Proxies in front of the gateway (ingress) whose X-Forwarded-For is believed: the client
  // address of the public limits is the one they name. 0 = the connection's own address.
  TRUST_PROXY_HOPS: env.int(0, 0, 10),
};

export type GatewayConfig = ReturnType<typeof loadConfig>;

/** "erp-connector=20000,partner-portal=3000" → quotas by client id; "none" → none. */
export function clientQuotasOf(text: string): Record<string, number> {
  if (text.trim() === 'none' || text.trim() === '') return {};
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [client, quota] = pair.split('=').map((part) => part.trim());
      if (!client || !/^\d+$/.test(quota ?? '')) throw new Error(`RATE_LIMIT_CLIENTS: "${pair}" is not client=quota`);
      return [client, Number(quota)];
    }),
  );
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  return loadConfigOrExit(settings, source);
}

const SERVICE_ADDRESS = /^([A-Z][A-Z0-9_]*)_GRPC_ADDR$/;

/**
 * Every backend service the gateway is told of, by name: CUSTOMER_GRPC_ADDR → customer,
 * SALES_PIPELINE_GRPC_ADDR → sales-pipeline (the chart and scripts/start set one per service).
 */
export function serviceAddressesOf(config: GatewayConfig, source: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const addresses: Record<string, string> = { 'customer': config.CUSTOMER_GRPC_ADDR, 'sales-pipeline': config.SALES_PIPELINE_GRPC_ADDR };
  for (const [variable, value] of Object.entries(source)) {
    const match = SERVICE_ADDRESS.exec(variable);
    if (match && value) addresses[match[1].toLowerCase().replace(/_/g, '-')] = value;
  }
  return addresses;
}
