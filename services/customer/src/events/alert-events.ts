import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import type { Alert, AlertRule } from '../domain/alert';
import { toProtoAlert, toProtoAlertRule } from '../grpc/alert-mapper';

// Alert events on liaison.customer.v1, keyed by customer id with the alert id as subject,
// written in the transaction that records (or acknowledges) the alert. Rule changes are keyed by
// the rule (alert-rule/<id>).

// Bounds the parameters of one outbox INSERT (nine per event).
const APPEND_CHUNK = 500;

export async function alertsRaised(tx: PoolClient, alerts: Alert[]): Promise<void> {
  for (let start = 0; start < alerts.length; start += APPEND_CHUNK) {
    const chunk = alerts.slice(start, start + APPEND_CHUNK);
    await outbox.append(
      tx,
      chunk.map((alert) =>
        alert.kind === 'warning'
          ? {
              type: EventTypes.CustomerWarningRaised,
              aggregateId: alert.customerId,
              subject: alert.id,
              payload: { alert: toProtoAlert(alert) },
            }
          : { type: EventTypes.CustomerCareDue, aggregateId: alert.customerId, subject: alert.id, payload: { alert: toProtoAlert(alert) } },
      ),
    );
  }
}

export function alertAcknowledged(tx: PoolClient, alert: Alert): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomerAlertAcknowledged,
      aggregateId: alert.customerId,
      subject: alert.id,
      payload: {
        alert: toProtoAlert(alert),
        acknowledgedBy: alert.acknowledgedBy ?? '',
        acknowledgeTime: alert.acknowledgedAt ?? undefined,
      },
    },
  ]);
}

export function alertRuleChanged(
  tx: PoolClient,
  rule: AlertRule,
  change: 'created' | 'updated' | 'deleted',
  actorId: string,
): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomerAlertRuleChanged,
      aggregateId: `alert-rule/${rule.id}`,
      payload: { rule: toProtoAlertRule(rule), change, actorId },
    },
  ]);
}
