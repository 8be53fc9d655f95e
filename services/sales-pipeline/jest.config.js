// Unit tests only (beside the code); integration tests live in test/ and run with the stack.
module.exports = {
  ...require('../../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
};
