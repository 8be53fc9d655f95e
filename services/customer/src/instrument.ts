// First import of the entry: tracing must patch http, grpc-js and pg before they load.
import { startTelemetry } from '@liaison/runtime/telemetry';

startTelemetry(process.env.SERVICE_NAME || 'customer');
