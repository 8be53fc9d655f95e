// Configuration comes from the environment only (12-factor). Each service declares what it
// reads; anything missing or malformed stops the process at start with the variable's name,
// instead of failing later at the first request that needs it.

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses one raw environment value; throws an Error whose message says what is expected. */
export interface Setting<T> {
  parse(raw: string | undefined): T;
  secret?: boolean;
}

function setting<T>(parseValue: (raw: string) => T, fallback?: T): Setting<T> {
  return {
    parse(raw) {
      if (raw === undefined || raw === '') {
        if (fallback !== undefined) return fallback;
        throw new Error('is required');
      }
      return parseValue(raw);
    },
  };
}

export const env = {
  string: (fallback?: string) => setting((raw) => raw, fallback),
  secret: (fallback?: string) => ({ ...setting((raw) => raw, fallback), secret: true }),
  optionalString: (): Setting<string | undefined> => ({ parse: (raw) => (raw === '' ? undefined : raw) }),
  int: (fallback?: number, min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER) =>
    setting((raw) => {
      const value = Number(raw);
      if (!/^-?\d+$/.test(raw) || value < min || value > max) {
        throw new Error(`must be an integer between ${min} and ${max}, got "${raw}"`);
      }
      return value;
    }, fallback),
  port: (fallback?: number) => env.int(fallback, 0, 65535),
  url: (fallback?: string, protocols?: string[]) =>
    setting((raw) => {
      let parsed: URL;
      try {
        parsed = new URL(raw);
      } catch {
        throw new Error(`must be a URL, got "${redactUrl(raw)}"`);
      }
      if (protocols && !protocols.includes(parsed.protocol.replace(/:$/, ''))) {
        throw new Error(`must use ${protocols.join(' or ')}, got ${parsed.protocol}`);
      }
      return raw;
    }, fallback),
  oneOf: <T extends string>(choices: readonly T[], fallback?: T) =>
    setting((raw) => {
      if (!choices.includes(raw as T)) throw new Error(`must be one of ${choices.join(', ')}, got "${raw}"`);
      return raw as T;
    }, fallback),
  list: (fallback?: string[]) =>
    setting(
      (raw) =>
        raw
          .split(',')
          .map((item) => item.trim())
          .filter(Boolean),
      fallback,
    ),
  bool: (fallback?: boolean) =>
    setting((raw) => {
      if (!['true', 'false', '1', '0'].includes(raw)) throw new Error(`must be true or false, got "${raw}"`);
      return raw === 'true' || raw === '1';
    }, fallback),
};

type Spec = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Spec> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** Reads and validates every variable of the spec; reports all problems at once. */
export function readConfig<S extends Spec>(spec: S, source: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec)) {
    try {
      config[name] = def.parse(source[name]);
    } catch (error) {
      problems.push(`${name} ${(error as Error).message}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as ConfigOf<S>;
}

/** readConfig for process entries: prints the problems and exits with status 78 (EX_CONFIG). */
export function loadConfigOrExit<S extends Spec>(spec: S, source: NodeJS.ProcessEnv = process.env): ConfigOf<S> {
  try {
    return readConfig(spec, source);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${JSON.stringify({ level: 'fatal', msg: error.message, problems: error.problems })}\n`);
    process.exit(78);
  }
}

function redactUrl(raw: string): string {
  return raw.replace(/\/\/[^@/]*@/, '//***@');
}

/** The variables every Liaison process reads. */
export const commonSettings = {
  SERVICE_NAME: env.string(),
  LOG_LEVEL: env.oneOf(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const, 'info'),
  HTTP_PORT: env.port(9464),
  OTEL_EXPORTER: env.oneOf(['otlp', 'none'] as const, 'none'),
  OTEL_EXPORTER_OTLP_ENDPOINT: env.url('http://localhost:4318'),
  SHUTDOWN_TIMEOUT_MS: env.int(10_000, 0),
};

export const oidcSettings = {
  OIDC_ISSUER: env.url(undefined, ['http', 'https']),
  OIDC_AUDIENCE: env.string('liaison-api'),
  OIDC_JWKS_URL: env.optionalString(),
  /** Accepted clock difference with Keycloak when checking exp/nbf. */
  OIDC_CLOCK_TOLERANCE_SEC: env.int(30, 0, 300),
  OIDC_CLIENT_ID: env.string('liaison-internal'),
  OIDC_CLIENT_SECRET: env.secret(),
};

/** Kafka, for every service that publishes or consumes events. */
export const kafkaSettings = {
  KAFKA_BROKERS: env.list(),
  KAFKA_TOPIC_PARTITIONS: env.int(3, 1),
  KAFKA_REPLICATION_FACTOR: env.int(1, 1),
  // Put before every topic name, e.g. "bench-" for a benchmark whose events must not reach the
  // consumers of a platform sharing the broker. Empty in every real deployment.
  KAFKA_TOPIC_PREFIX: env.string(''),
};
