export * from './dist/telemetry';
