import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { ImportJob } from '../domain/import-job';
import { toProtoImport } from '../grpc/import-mapper';
import type { ChunkOutcome } from '../persistence/import-repository';

// Events of import jobs, keyed by the import id (see proto/liaison/events/v1/import_events.proto
// for why imports do not emit one CustomerCreated per row).

// 64 ids of 36 characters keep each record near 2.5 KB, so a relay batch of 200 records on one
// partition stays well below Kafka's default 1 MB limit.
const IDS_PER_EVENT = 64;

export async function customersImported(tx: PoolClient, importId: string, chunk: number, outcome: ChunkOutcome): Promise<void> {
  const payload = (createdCustomerIds: string[], updatedCustomerIds: string[]) => ({
    type: EventTypes.CustomersImported,
    aggregateId: importId,
    payload: { importId, chunk, createdCustomerIds, updatedCustomerIds },
  });
  const created = outcome.created.map((customer) => customer.id);
  const events = [...slices(created).map((ids) => payload(ids, [])), ...slices(outcome.updated).map((ids) => payload([], ids))];
  for (let start = 0; start < events.length; start += 500) await outbox.append(tx, events.slice(start, start + 500));
}

function slices(ids: string[]): string[][] {
  const result: string[][] = [];
  for (let start = 0; start < ids.length; start += IDS_PER_EVENT) result.push(ids.slice(start, start + IDS_PER_EVENT));
  return result;
}

export async function customerImportFinished(tx: PoolClient, job: ImportJob): Promise<void> {
  await outbox.append(tx, [{ type: EventTypes.CustomerImportFinished, aggregateId: job.id, payload: { import: toProtoImport(job) } }]);
}
