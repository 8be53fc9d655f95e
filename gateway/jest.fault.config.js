// Fault tests stop parts of the local stack; they run alone, after everything else.
module.exports = {
  ...require('../jest.preset.js'),
  rootDir: __dirname,
  testMatch: ['<rootDir>/test/**/*.fault.test.ts'],
  testTimeout: 300_000,
  // kafkajs keeps reconnect timers alive after a broker restart even once disconnected.
  forceExit: true,
};
