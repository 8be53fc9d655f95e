// Shared jest settings: TypeScript through swc (fast, no type-check: tsc does that in `build`),
// and the workspace libs resolved to their sources so tests never need a prior build.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    // Every package under libs/ (a new lib needs no entry here); services are never imported.
    '^@liaison/([a-z-]+)$': `${libs}/$1/src/index.ts`,
    '^@liaison/([a-z-]+)/(.*)$': `${libs}/$1/src/$2`,
  },
};
