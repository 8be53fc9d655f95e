import { ConfigError, env, readConfig } from './config';

describe('readConfig', () => {
  const spec = {
    GRPC_PORT: env.port(50051),
    DATABASE_URL: env.url(undefined, ['postgres', 'postgresql']),
    KAFKA_BROKERS: env.list(),
    LOG_LEVEL: env.oneOf(['info', 'debug'] as const, 'info'),
  };

  it('applies defaults and parses typed values', () => {
    const config = readConfig(spec, { DATABASE_URL: 'postgres://u:p@h/db', KAFKA_BROKERS: 'a:1, b:2' });
    expect(config).toEqual({
      GRPC_PORT: 50051,
      DATABASE_URL: 'postgres://u:p@h/db',
      KAFKA_BROKERS: ['a:1', 'b:2'],
      LOG_LEVEL: 'info',
    });
  });

  it('names every missing or malformed variable at once', () => {
    let caught: unknown;
    try {
      readConfig(spec, { GRPC_PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect(problems).toMatch(/GRPC_PORT must be an integer between 0 and 65535/);
    expect(problems).toMatch(/DATABASE_URL must use postgres or postgresql/);
    expect(problems).toMatch(/KAFKA_BROKERS is required/);
    expect(problems).toMatch(/LOG_LEVEL must be one of info, debug/);
  });

  it('never echoes credentials of a malformed URL', () => {
    expect(() => readConfig({ U: env.url() }, { U: 'http//user:hunter2@host' })).toThrow(/U must be a URL/);
    try {
      readConfig({ U: env.url() }, { U: '//user:hunter2@' });
    } catch (error) {
      expect((error as Error).message).not.toContain('hunter2');
    }
  });
});
