import { ensureTopics, prefixedTopic } from '@liaison/events';
import { MongoJobLedger, schedule, type JobRunDocument, type ScheduledWork } from '@liaison/jobs';
import type { ConfigOf, ServiceHost } from '@liaison/runtime';
import type { Kafka } from 'kafkajs';
import type { Connection, Model } from 'mongoose';
import type { MongoGrpcServer } from './rpc';
import { grpcServerOf, kafkaOf, serve, startHost, topicConfigOf, watchKafka, type RunningService } from './service-core';
import type { mongoServiceSettings } from './settings';

// The bootstrap of a MongoDB service (FerretDB locally, MongoDB proper in Kubernetes): the
// connection with its health check, the indexes of the service's models, the gRPC server, the
// scheduled jobs on a job_runs collection, the shutdown order. FerretDB has no multi-document
// transactions, so no RPC declares one: a change and its events are one single-document write
// (the per-document outbox of docs/ARCHITECTURE.md). mongoose loads only in MongoDB services.

export type MongoServiceConfig = ConfigOf<typeof mongoServiceSettings>;

export interface MongoContext {
  host: ServiceHost;
  connection: Connection;
  kafka: Kafka;
}

export interface MongoServiceSpec<Apis> {
  config: MongoServiceConfig;
  /** The service's own topic (Topics in libs/contracts). */
  topic: string;
  /** Proto files of its APIs (relative to proto/), served by gRPC reflection. */
  protoFiles: string[];
  /** The service's models on the connection; their indexes are built before it serves. */
  models: (connection: Connection) => Pick<Model<unknown>, 'createIndexes'>[];
  prepare?: (context: MongoContext) => Promise<unknown>;
  apis: (grpc: MongoGrpcServer, context: MongoContext) => Promise<Apis> | Apis;
  jobs?: (apis: Apis, context: MongoContext) => ScheduledWork<unknown>[];
}

const SERVER_SELECTION_TIMEOUT_MS = 5_000;

export async function startMongoService<Apis>(spec: MongoServiceSpec<Apis>): Promise<RunningService<Apis>> {
  const { config } = spec;
  const host = startHost(config);
  const { default: mongoose } = await import('mongoose');
  const connection = await mongoose
    .createConnection(config.MONGODB_URL, { serverSelectionTimeoutMS: SERVER_SELECTION_TIMEOUT_MS })
    .asPromise();
  host.onStop('mongodb', () => connection.close());
  for (const model of spec.models(connection)) await model.createIndexes();

  const kafka = kafkaOf(config, host);
  const context: MongoContext = { host, connection, kafka };
  await spec.prepare?.(context);
  await ensureTopics(kafka, [prefixedTopic(spec.topic, config.KAFKA_TOPIC_PREFIX)], topicConfigOf(config)).catch((error: Error) =>
    host.logger.warn({ err: error }, 'could not ensure topics yet'),
  );
  watchKafka(host, kafka);
  host.health.add('mongodb', async () => void (await connection.db!.admin().ping()));
  await host.health.start();

  const grpc = grpcServerOf<never>(config, host, { protoFiles: spec.protoFiles });
  const apis = await spec.apis(grpc, context);
  const ledger = new MongoJobLedger(connection.db!.collection<JobRunDocument>('job_runs'), () => serverTime(connection));
  return serve(config, host, grpc, apis, () => {
    for (const job of spec.jobs?.(apis, context) ?? []) schedule(host, ledger, config.SERVICE_NAME, job);
  });
}

/** The database's clock, which every replica shares (`hello` answers with the server's localTime). */
export async function serverTime(connection: Connection): Promise<Date> {
  const hello = await connection.db!.admin().command({ hello: 1 });
  return hello.localTime as Date;
}
