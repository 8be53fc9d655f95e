// Integration tests against the running stack (Keycloak on :8180); not part of `test`.
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.int.test.ts'],
  testTimeout: 30000,
};
