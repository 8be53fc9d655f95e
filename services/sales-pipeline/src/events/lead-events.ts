import { EventTypes } from '@liaison/contracts';
import type { PoolClient } from '@liaison/runtime';
import type { Lead, LeadStatus } from '../domain/lead';
import { outbox } from './outbox';

// The events of leads, appended in the transaction of the change (record key: the lead id).

export async function leadCreated(tx: PoolClient, lead: Lead): Promise<void> {
  await outbox.append(tx, [
    {
      type: EventTypes.LeadCreated,
      aggregateId: lead.id,
      payload: {
        leadId: lead.id,
        contactName: lead.contactName,
        companyName: lead.companyName,
        source: lead.source,
        ownerId: lead.ownerId ?? '',
        ownerUnit: lead.ownerUnit ?? '',
        createdAt: lead.createdAt,
      },
    },
  ]);
}

export async function leadUpdated(tx: PoolClient, lead: Lead, changedFields: string[]): Promise<void> {
  await outbox.append(tx, [
    {
      type: EventTypes.LeadUpdated,
      aggregateId: lead.id,
      payload: { leadId: lead.id, changedFields, version: lead.version, updatedAt: lead.updatedAt },
    },
  ]);
}

export async function leadStatusChanged(tx: PoolClient, lead: Lead, from: LeadStatus): Promise<void> {
  await outbox.append(tx, [
    {
      type: EventTypes.LeadStatusChanged,
      aggregateId: lead.id,
      payload: {
        leadId: lead.id,
        fromStatus: from,
        toStatus: lead.status,
        disqualifyReason: lead.disqualifyReason ?? '',
        note: lead.statusNote,
        version: lead.version,
        changedAt: lead.updatedAt,
        changedBy: lead.updatedBy,
      },
    },
  ]);
}

export async function leadAssigned(tx: PoolClient, lead: Lead, fromOwnerId: string | null): Promise<void> {
  await outbox.append(tx, [
    {
      type: EventTypes.LeadAssigned,
      aggregateId: lead.id,
      payload: {
        leadId: lead.id,
        fromOwnerId: fromOwnerId ?? '',
        toOwnerId: lead.ownerId ?? '',
        toOwnerUnit: lead.ownerUnit ?? '',
        ruleId: lead.assignedByRuleId ?? '',
        assignedBy: lead.updatedBy,
        version: lead.version,
        assignedAt: lead.updatedAt,
      },
    },
  ]);
}
