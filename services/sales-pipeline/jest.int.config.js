// Integration tests: the service in-process against the real local stack (scripts/stack up).
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.test.ts'],
  testTimeout: 60_000,
};
