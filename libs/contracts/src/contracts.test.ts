import { customerV1, eventsV1, EventTypes, eventTypeOf } from './index';

describe('contracts', () => {
  it('round-trips a customer with a Chinese name through protobuf bytes', () => {
    const customer = customerV1.Customer.fromPartial({
      id: '0b0f5c1e-6f57-4d8e-9d57-8f1c7a3c2b10',
      name: '上海华东精密机械有限公司',
      kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY,
      creditLimit: { minorUnits: 12_345_678_90, currencyCode: 'CNY' },
      version: 3,
    });
    const bytes = eventsV1.CustomerCreated.encode({ customer }).finish();
    const decoded = eventsV1.CustomerCreated.decode(bytes);
    expect(decoded.customer).toEqual(customer);
  });

  it('resolves event payload codecs by CloudEvents type', () => {
    expect(eventTypeOf('liaison.events.v1.CustomerCreated')).toBe(EventTypes.CustomerCreated);
    expect(EventTypes.CustomerUpdated.type).toBe('liaison.events.v1.CustomerUpdated');
    expect(eventTypeOf('liaison.events.v1.Nope')).toBeUndefined();
  });
});
