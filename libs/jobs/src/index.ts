// Scheduled work that fires once per time slot across all replicas of a service.
export * from './ledger';
export * from './mongo-ledger';
export * from './periodic-job';
export * from './pg-ledger';
