// First import of the entry: tracing must patch http, express and grpc-js before they load.
import { startTelemetry } from '@liaison/runtime/telemetry';

startTelemetry(process.env.SERVICE_NAME || 'gateway');
