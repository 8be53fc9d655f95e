import path from 'node:path';
import { approvalsMigrations, APPROVALS_MIGRATION_SCOPE } from '@liaison/approvals';
import { createTokenVerifier, type Principal } from '@liaison/auth';
import { Topics } from '@liaison/contracts';
import { ensureTopics, eventsMigrations, kafkaLogCreator, OutboxRelay } from '@liaison/events';
import { createPool, GrpcServer, loadSqlMigrations, runMigrations, ServiceHost } from '@liaison/runtime';
import { stopTelemetry } from '@liaison/runtime/telemetry';
import { Kafka } from 'kafkajs';
import { loadConfig, type CustomerConfig } from './config';
import { CustomerService } from './domain/customer-service';
import { customerHandlers } from './grpc/customer-handlers';
import { ExportService } from './domain/export-service';
import { ImportService } from './domain/import-service';
import { exportHandlers } from './grpc/export-handlers';
import { importHandlers } from './grpc/import-handlers';
import { maintenanceHandlers, maintenanceServices } from './grpc/maintenance-handlers';
import { BaseDataService } from './domain/base-data-service';
import { CustomFieldService } from './domain/custom-field-service';
import { baseDataHandlers } from './grpc/base-data-handlers';
import { customFieldHandlers } from './grpc/custom-field-handlers';
import { customerApprovals } from './domain/approval-kinds';
import { approvalHandlers } from './grpc/approval-handlers';
import { AssignmentService } from './domain/assignment-service';
import { assignmentHandlers } from './grpc/assignment-handlers';
import { HandoverService } from './domain/handover-service';
import { handoverHandlers } from './grpc/handover-handlers';
import { startPoolRuleJob } from './jobs/pool-rule-job';
import { startValueRescoreJob } from './jobs/value-rescore-job';
import { FollowUpService } from './domain/followup-service';
import { followUpHandlers } from './grpc/followup-handlers';
import { HistoryService } from './domain/history-service';
import { historyHandlers } from './grpc/history-handlers';
import { ContactService } from './domain/contact-service';
import { contactHandlers } from './grpc/contact-handlers';
import { CustomerViewService } from './domain/customer-view-service';
import { customerViewHandlers } from './grpc/customer-view-handlers';
import { ProjectionConsumer } from './projections/projection-consumer';
import { AlertService } from './domain/alert-service';
import { alertHandlers } from './grpc/alert-handlers';
import { startAlertJob } from './jobs/alert-job';

const MIGRATIONS_DIR = path.resolve(__dirname, '../migrations');

export interface RunningCustomerService {
  grpcPort: number;
  adminPort: number;
  host: ServiceHost;
}

/** Wires the customer service: database, outbox relay, gRPC API, admin port, shutdown order. */
export async function startCustomerService(config: CustomerConfig = loadConfig()): Promise<RunningCustomerService> {
  const host = new ServiceHost({ name: config.SERVICE_NAME, logLevel: config.LOG_LEVEL, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  host.onStop('telemetry', stopTelemetry);

  const pool = createPool(config.DATABASE_URL, host.metrics);
  host.onStop('postgres', () => pool.end());
  await runMigrations(pool, 'events', eventsMigrations);
  await runMigrations(pool, 'customer', loadSqlMigrations(MIGRATIONS_DIR));
  const baseData = new BaseDataService(pool);
  await baseData.seed();
  await runMigrations(pool, APPROVALS_MIGRATION_SCOPE, approvalsMigrations);

  const kafka = new Kafka({ clientId: config.SERVICE_NAME, brokers: config.KAFKA_BROKERS, logCreator: kafkaLogCreator(host.logger) });
  const topicConfig = { partitions: config.KAFKA_TOPIC_PARTITIONS, replication: config.KAFKA_REPLICATION_FACTOR };
  await ensureTopics(kafka, [Topics.customer], topicConfig).catch((error: Error) =>
    host.logger.warn({ err: error }, 'could not ensure topics yet; the relay retries'),
  );
  const kafkaAdmin = kafka.admin();
  host.onStop('kafka admin', () => kafkaAdmin.disconnect());

  host.health
    .add('postgres', async () => void (await pool.query('SELECT 1')))
    .add('kafka', async () => {
      await kafkaAdmin.connect();
      await kafkaAdmin.describeCluster();
    }, { critical: false });
  await host.health.start();

  const relay = new OutboxRelay({ pool, kafka, logger: host.logger, registry: host.metrics.registry, topics: topicConfig });
  relay.start();
  host.onStop('outbox relay', () => relay.stop());
  if (config.PROJECTIONS_ENABLED) {
    // Registered after the relay so that it stops first: its last events still get flushed.
    const projection = new ProjectionConsumer({ kafka, pool, logger: host.logger, registry: host.metrics.registry }, {
      groupId: config.PROJECTIONS_GROUP_ID, fromBeginning: config.PROJECTIONS_FROM_BEGINNING, databaseUrl: config.DATABASE_URL, topicConfig,
    });
    projection.start();
    host.onStop('customer projection', () => projection.stop());
  }

  const verifier = createTokenVerifier({
    issuer: config.OIDC_ISSUER,
    audience: config.OIDC_AUDIENCE,
    jwksUrl: config.OIDC_JWKS_URL,
    clockToleranceSec: config.OIDC_CLOCK_TOLERANCE_SEC,
  });
  const grpc = new GrpcServer<Principal>({
    logger: host.logger,
    metrics: host.metrics,
    health: host.health,
    authenticate: (token) => verifier.verify(token),
    reflectionFiles: ['liaison/customer/v1/customer.proto', 'liaison/customer/v1/import_export.proto', 'liaison/customer/v1/customer_admin.proto', 'liaison/customer/v1/base_data.proto', 'liaison/customer/v1/custom_field.proto', 'liaison/customer/v1/approval.proto', 'liaison/customer/v1/assignment.proto', 'liaison/customer/v1/handover.proto', 'liaison/customer/v1/followup.proto', 'liaison/customer/v1/history.proto', 'liaison/customer/v1/contact.proto', 'liaison/customer/v1/customer_view.proto', 'liaison/customer/v1/alert.proto'],
  });
  grpc.addService(customerHandlers.definition, customerHandlers(new CustomerService(pool)));
  const imports = new ImportService(pool, { chunkRows: config.IMPORT_CHUNK_ROWS, logger: host.logger });
  await imports.failOrphans();
  host.onStop('imports', () => imports.stop());
  grpc.addService(importHandlers.definition, importHandlers(imports));
  grpc.addService(exportHandlers.definition, exportHandlers(new ExportService(new CustomerService(pool), new CustomFieldService(pool))));
  grpc.addService(maintenanceHandlers.definition, maintenanceHandlers(maintenanceServices(pool)));
  grpc.addService(baseDataHandlers.definition, baseDataHandlers(baseData));
  grpc.addService(customFieldHandlers.definition, customFieldHandlers(new CustomFieldService(pool)));
  const assignments = new AssignmentService(pool);
  const approvals = customerApprovals(pool, assignments);
  grpc.addService(approvalHandlers.definition, approvalHandlers(approvals));
  grpc.addService(assignmentHandlers.definition, assignmentHandlers(assignments, approvals.transfers));
  grpc.addService(handoverHandlers.definition, handoverHandlers(new HandoverService(pool)));
  grpc.addService(followUpHandlers.definition, followUpHandlers(new FollowUpService(pool)));
  grpc.addService(historyHandlers.definition, historyHandlers(new HistoryService(pool)));
  grpc.addService(contactHandlers.definition, contactHandlers(new ContactService(pool)));
  grpc.addService(customerViewHandlers.definition, customerViewHandlers(new CustomerViewService(pool)));
  const alerts = new AlertService(pool);
  grpc.addService(alertHandlers.definition, alertHandlers(alerts));
  const grpcPort = await grpc.listen(config.GRPC_PORT);
  host.onStop('grpc server', () => grpc.shutdown(config.SHUTDOWN_TIMEOUT_MS / 2));
  startPoolRuleJob(host, { pool, service: assignments, intervalMs: config.POOL_RULE_INTERVAL_MS, serviceName: config.SERVICE_NAME });
  startAlertJob(host, { pool, service: alerts, intervalMs: config.ALERT_CHECK_INTERVAL_MS, serviceName: config.SERVICE_NAME });
  startValueRescoreJob(host, { pool, intervalMs: config.VALUE_RESCORE_INTERVAL_MS, serviceName: config.SERVICE_NAME });

  const adminPort = await host.startAdmin(config.HTTP_PORT);
  host.installSignalHandlers();
  host.logger.info({ grpcPort, adminPort }, 'customer service started');
  return { grpcPort, adminPort, host };
}
