import { baseDataEventsV1, EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { BaseDataEntry } from '../domain/base-data';
import type { CustomFieldDefinition } from '../domain/custom-field';
import { toProtoEntry } from '../grpc/base-data-mapper';
import { toProtoDefinition } from '../grpc/custom-field-mapper';

// Events of the reference data administrators maintain, on liaison.customer.v1 next to the
// customer events, keyed by the entry ("base_data/<kind>/<code>", "custom_field/<key>") so the
// changes of one entry stay in order.

// Each outbox row takes 9 parameters of one INSERT; PostgreSQL allows 65535.
const EVENTS_PER_INSERT = 1000;

export type ReferenceDataChange = 'created' | 'updated' | 'deleted';

const { ReferenceDataChange: ProtoChange } = baseDataEventsV1;
const CHANGE_TO_PROTO: Record<ReferenceDataChange, baseDataEventsV1.ReferenceDataChange> = {
  created: ProtoChange.REFERENCE_DATA_CHANGE_CREATED,
  updated: ProtoChange.REFERENCE_DATA_CHANGE_UPDATED,
  deleted: ProtoChange.REFERENCE_DATA_CHANGE_DELETED,
};

export interface BaseDataChange {
  entry: BaseDataEntry;
  change: ReferenceDataChange;
  changedFields?: string[];
}

export async function baseDataChanges(tx: PoolClient, changes: BaseDataChange[]): Promise<void> {
  for (let start = 0; start < changes.length; start += EVENTS_PER_INSERT) {
    await outbox.append(
      tx,
      changes.slice(start, start + EVENTS_PER_INSERT).map(({ entry, change, changedFields }) => ({
        type: EventTypes.BaseDataChanged,
        aggregateId: `base_data/${entry.kind}/${entry.code}`,
        payload: { entry: toProtoEntry(entry), change: CHANGE_TO_PROTO[change], changedFields: changedFields ?? [] },
      })),
    );
  }
}

export function baseDataChanged(
  tx: PoolClient,
  entry: BaseDataEntry,
  change: ReferenceDataChange,
  changedFields: string[] = [],
): Promise<void> {
  return baseDataChanges(tx, [{ entry, change, changedFields }]);
}

export async function customFieldDefinitionChanged(
  tx: PoolClient,
  definition: CustomFieldDefinition,
  change: ReferenceDataChange,
  changedFields: string[] = [],
): Promise<void> {
  await outbox.append(tx, [
    {
      type: EventTypes.CustomFieldDefinitionChanged,
      aggregateId: `custom_field/${definition.key}`,
      payload: { definition: toProtoDefinition(definition), change: CHANGE_TO_PROTO[change], changedFields },
    },
  ]);
}
