// End-to-end tests: built services as real processes against the real local stack.
module.exports = {
  ...require('../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.e2e.test.ts'],
  testTimeout: 120_000,
};
