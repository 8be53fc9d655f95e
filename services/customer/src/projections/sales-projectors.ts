import type { salesEventsV1 } from '@liaison/contracts';
import type { ReceivedEvent } from '@liaison/events';
import { customerIdOf, moneyOf, clip, refIdOf, timeOf, InvalidEventError, type ProjectionChange } from './projection-change';

// Projectors of the sales pipeline's events. Each names the fact it touches by the producer's
// own id, which is what makes a late cancellation or a producer's retry under a new event id
// converge to the same figures; receivable balances go by their as_of time instead.

export function orderPlaced(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as salesEventsV1.OrderPlaced;
  const orderId = refIdOf(event, payload.orderId, 'order_id');
  const amount = moneyOf(event, payload.amount, 'amount');
  const at = timeOf(event, payload.placedAt);
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'order', refId: orderId, startedAt: at, amount },
    timeline: {
      kind: 'order_placed',
      section: 'trade',
      title: clip(`Order ${payload.orderNumber.trim() || orderId} placed`),
      at,
      refId: orderId,
      amount,
    },
  };
}

export function orderCancelled(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as salesEventsV1.OrderCancelled;
  const orderId = refIdOf(event, payload.orderId, 'order_id');
  const at = timeOf(event, payload.cancelledAt);
  const reason = payload.reason.trim();
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'order', refId: orderId, endedAt: at },
    timeline: {
      kind: 'order_cancelled',
      section: 'trade',
      title: clip(`Order ${orderId} cancelled${reason ? `: ${reason}` : ''}`),
      at,
      refId: orderId,
    },
  };
}

export function paymentReceived(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as salesEventsV1.PaymentReceived;
  const paymentId = refIdOf(event, payload.paymentId, 'payment_id');
  const amount = moneyOf(event, payload.amount, 'amount');
  const at = timeOf(event, payload.receivedAt);
  const forOrder = payload.orderId.trim();
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'payment', refId: paymentId, startedAt: at, amount },
    timeline: {
      kind: 'payment_received',
      section: 'finance',
      title: clip(`Payment received${forOrder ? ` for order ${forOrder}` : ''}`),
      at,
      refId: paymentId,
      amount,
    },
  };
}

export function receivableBalanceChanged(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as salesEventsV1.ReceivableBalanceChanged;
  const outstanding = moneyOf(event, payload.outstanding, 'outstanding', true);
  if (!Number.isInteger(payload.overdueDays) || payload.overdueDays < 0)
    throw new InvalidEventError(event.type, 'overdue_days must be zero or more');
  const asOf = timeOf(event, payload.asOf);
  const overdue = payload.overdueDays > 0 ? `, ${payload.overdueDays} days overdue` : '';
  return {
    customerId: customerIdOf(event, payload.customerId),
    balance: { outstanding, overdueDays: payload.overdueDays, asOf },
    timeline: {
      kind: 'receivable_changed',
      section: 'finance',
      title: `Receivable balance updated${overdue}`,
      at: asOf,
      amount: outstanding,
    },
  };
}

export function opportunityOpened(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as salesEventsV1.OpportunityOpened;
  const opportunityId = refIdOf(event, payload.opportunityId, 'opportunity_id');
  const amount = payload.expectedAmount ? moneyOf(event, payload.expectedAmount, 'expected_amount', true) : undefined;
  const at = timeOf(event, payload.openedAt);
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'opportunity', refId: opportunityId, startedAt: at, amount },
    timeline: {
      kind: 'opportunity_opened',
      section: 'trade',
      title: clip(payload.name.trim() || `Opportunity ${opportunityId} opened`),
      at,
      refId: opportunityId,
      amount,
    },
  };
}

export function opportunityClosed(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as salesEventsV1.OpportunityClosed;
  const opportunityId = refIdOf(event, payload.opportunityId, 'opportunity_id');
  const at = timeOf(event, payload.closedAt);
  const outcome = payload.won ? 'won' : 'lost';
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'opportunity', refId: opportunityId, endedAt: at, outcome },
    timeline: { kind: 'opportunity_closed', section: 'trade', title: `Opportunity ${opportunityId} ${outcome}`, at, refId: opportunityId },
  };
}
