// Integration tests against the local stack (scripts/stack up): real PostgreSQL and Kafka.
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.test.ts'],
  testTimeout: 60_000,
};
