import { customerV1, EventTypes, type EventType } from '@liaison/contracts';
import type { ReceivedEvent } from '@liaison/events';
import { clip, InvalidEventError } from './projection-change';
import { projectors } from './projectors';

const CUSTOMER = '7c1d2f30-5a4b-4c3d-8e2f-0123456789ab';
const EVENT_TIME = new Date('2026-03-01T02:00:00Z');

function eventOf<T>(type: EventType<T>, payload: Partial<T>): ReceivedEvent {
  return {
    id: 'event-1',
    type: type.type,
    source: 'liaison.sales',
    time: EVENT_TIME,
    topic: 'liaison.sales.v1',
    partition: 0,
    offset: '0',
    key: CUSTOMER,
    payload: type.codec.fromPartial(payload),
    data: Buffer.alloc(0),
    headers: {},
  };
}

const project = (event: ReceivedEvent) => projectors.projectorOf(event.type)!(event);
const cny = (minorUnits: number) => ({ minorUnits, currencyCode: 'CNY' });

describe('projectors', () => {
  it('turns an order into an order fact and a trade timeline entry', () => {
    const placedAt = new Date('2026-02-28T08:00:00Z');
    const change = project(
      eventOf(EventTypes.OrderPlaced, {
        orderId: 'o-1',
        customerId: CUSTOMER.toUpperCase(),
        amount: cny(12_300),
        placedAt,
        orderNumber: 'SO-0001',
      }),
    );
    expect(change).toEqual({
      customerId: CUSTOMER,
      fact: { kind: 'order', refId: 'o-1', startedAt: placedAt, amount: { minorUnits: 12_300, currency: 'CNY' } },
      timeline: {
        kind: 'order_placed',
        section: 'trade',
        title: 'Order SO-0001 placed',
        at: placedAt,
        refId: 'o-1',
        amount: { minorUnits: 12_300, currency: 'CNY' },
      },
    });
  });

  it('records a cancellation as the end of the order, so it can arrive first', () => {
    const change = project(eventOf(EventTypes.OrderCancelled, { orderId: 'o-1', customerId: CUSTOMER, reason: '客户取消' }));
    expect(change?.fact).toEqual({ kind: 'order', refId: 'o-1', endedAt: EVENT_TIME });
    expect(change?.timeline?.title).toBe('Order o-1 cancelled: 客户取消');
  });

  it('keeps the receivable balance with its as-of time and allows a zero balance', () => {
    const change = project(eventOf(EventTypes.ReceivableBalanceChanged, { customerId: CUSTOMER, outstanding: cny(0), overdueDays: 0 }));
    expect(change?.balance).toEqual({ outstanding: { minorUnits: 0, currency: 'CNY' }, overdueDays: 0, asOf: EVENT_TIME });
  });

  it('uses the service request title, in Chinese, for the timeline', () => {
    const change = project(
      eventOf(EventTypes.ServiceRequestOpened, { requestId: 'sr-9', customerId: CUSTOMER, title: '设备异响，需要上门检修' }),
    );
    expect(change?.fact).toEqual({ kind: 'service_request', refId: 'sr-9', startedAt: EVENT_TIME });
    expect(change?.timeline).toMatchObject({ section: 'service', title: '设备异响，需要上门检修' });
  });

  it('ignores customer updates that leave the credit limit alone', () => {
    const customer = customerV1.Customer.fromPartial({ id: CUSTOMER, name: '杭州' });
    expect(project(eventOf(EventTypes.CustomerUpdated, { customer, changedFields: ['name'] }))).toBeNull();
    expect(project(eventOf(EventTypes.CustomerUpdated, { customer, changedFields: ['credit_limit'] }))).toEqual({ customerId: CUSTOMER });
  });

  it('voids a deleted follow-up and its timeline entry', () => {
    const change = project(eventOf(EventTypes.FollowUpDeleted, { followUpId: 'f-1', customerId: CUSTOMER }));
    expect(change).toEqual({
      customerId: CUSTOMER,
      fact: { kind: 'follow_up', refId: 'f-1', endedAt: EVENT_TIME },
      timelineRemoval: { kind: 'follow_up_recorded', refId: 'f-1' },
    });
  });

  it.each([
    ['a customer id that is no UUID', eventOf(EventTypes.OrderPlaced, { orderId: 'o', customerId: 'acme', amount: cny(1) }), /customer_id/],
    ['an order without amount', eventOf(EventTypes.OrderPlaced, { orderId: 'o', customerId: CUSTOMER }), /amount is missing/],
    ['a zero payment', eventOf(EventTypes.PaymentReceived, { paymentId: 'p', customerId: CUSTOMER, amount: cny(0) }), /positive/],
    ['a negative balance', eventOf(EventTypes.ReceivableBalanceChanged, { customerId: CUSTOMER, outstanding: cny(-5) }), /zero or more/],
    [
      'an amount without currency',
      eventOf(EventTypes.PaymentReceived, { paymentId: 'p', customerId: CUSTOMER, amount: { minorUnits: 5, currencyCode: 'yuan' } }),
      /currency/,
    ],
    ['an empty order id', eventOf(EventTypes.OrderCancelled, { orderId: '  ', customerId: CUSTOMER }), /order_id/],
    [
      'negative overdue days',
      eventOf(EventTypes.ReceivableBalanceChanged, { customerId: CUSTOMER, outstanding: cny(5), overdueDays: -1 }),
      /overdue_days/,
    ],
  ])('rejects %s as an invalid event', (_name, event, message) => {
    expect(() => project(event)).toThrow(InvalidEventError);
    expect(() => project(event)).toThrow(message);
  });

  it('clips titles by characters, never inside a Chinese character', () => {
    expect(clip('  设备 \n 异响  ')).toBe('设备 异响');
    expect(clip('一二三四五六', 4)).toBe('一二三…');
    expect([...clip('𠀀'.repeat(10), 5)]).toHaveLength(5);
  });
});
