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
