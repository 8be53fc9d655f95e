// Deep entry `@liaison/runtime/telemetry`: loads tracing without loading the rest of the library.
module.exports = require('./dist/telemetry');
