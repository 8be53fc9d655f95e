import { principalFromClaims } from '@liaison/auth';
import { ConfigError, readConfig } from '@liaison/runtime';
import { authorizeRpc } from './rpc';
import { mongoServiceSettings, postgresServiceSettings } from './settings';

const base = {
  SERVICE_NAME: 'probe',
  OIDC_ISSUER: 'http://localhost:8180/realms/liaison',
  OIDC_CLIENT_SECRET: 's',
  KAFKA_BROKERS: '127.0.0.1:9092',
};

describe('service settings', () => {
  it('give every service the same defaults, and each store its own URL', () => {
    const config = readConfig(postgresServiceSettings, { ...base, DATABASE_URL: 'postgresql://u:p@localhost/probe' });
    expect(config).toMatchObject({ GRPC_PORT: 50051, HTTP_PORT: 9464, KAFKA_TOPIC_PREFIX: '', KAFKA_BROKERS: ['127.0.0.1:9092'] });
    expect(readConfig(mongoServiceSettings, { ...base, MONGODB_URL: 'mongodb://localhost/probe' }).MONGODB_URL).toBe(
      'mongodb://localhost/probe',
    );
  });

  it('refuse to start without the store, naming the variable', () => {
    expect(() => readConfig(postgresServiceSettings, base)).toThrow(ConfigError);
    expect(() => readConfig(mongoServiceSettings, { ...base, MONGODB_URL: 'postgresql://x/y' })).toThrow(/MONGODB_URL must use mongodb/);
  });
});

describe('authorizeRpc', () => {
  const rep = principalFromClaims({ sub: 'u-1', realm_access: { roles: ['sales-rep'] }, azp: 'liaison-web' }, 't');

  it('lets a declared permission through and refuses a missing one', () => {
    expect(() => authorizeRpc(rep, ['customer', 'create'])).not.toThrow();
    expect(() => authorizeRpc(rep, ['admin', 'update'])).toThrow(expect.objectContaining({ code: 'forbidden' }));
  });
});
