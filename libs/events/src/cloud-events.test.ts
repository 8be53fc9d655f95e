import { cloudEventHeaders, headersToStrings, parseCloudEventHeaders } from './cloud-events';

const time = new Date('2025-03-01T08:30:00.123Z');

describe('cloudEventHeaders', () => {
  it('sets the binary-mode attributes and the protobuf content type', () => {
    const headers = cloudEventHeaders({
      id: 'e-1',
      source: 'liaison.customer',
      type: 'liaison.events.v1.CustomerCreated',
      time,
      subject: 'c-9',
    });
    expect(headers).toEqual({
      'ce_specversion': '1.0',
      'ce_id': 'e-1',
      'ce_source': 'liaison.customer',
      'ce_type': 'liaison.events.v1.CustomerCreated',
      'ce_time': '2025-03-01T08:30:00.123Z',
      'ce_subject': 'c-9',
      'content-type': 'application/protobuf',
    });
  });

  it('carries trace context extensions but never lets them override attributes', () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const headers = cloudEventHeaders({ id: 'e-1', source: 's', type: 't', time }, { traceparent, tracestate: 'k=v', ce_id: 'forged' });
    expect(headers.traceparent).toBe(traceparent);
    expect(headers.tracestate).toBe('k=v');
    expect(headers.ce_id).toBe('e-1');
    expect(headers).not.toHaveProperty('ce_subject');
  });
});

describe('parseCloudEventHeaders', () => {
  const recordTime = new Date('2025-01-01T00:00:00Z');

  it('round-trips what cloudEventHeaders wrote, through Kafka-style Buffer headers', () => {
    const written = cloudEventHeaders({ id: 'e-2', source: 'liaison.customer', type: 'T', time, subject: 'c-1' });
    const asReceived = Object.fromEntries(Object.entries(written).map(([name, value]) => [name, Buffer.from(value)]));
    const parsed = parseCloudEventHeaders(headersToStrings(asReceived), recordTime);
    expect(parsed).toEqual({ ok: true, attributes: { id: 'e-2', source: 'liaison.customer', type: 'T', time, subject: 'c-1' } });
  });

  it('falls back to the record time when ce_time is absent', () => {
    const parsed = parseCloudEventHeaders({ ce_id: 'e', ce_type: 'T' }, recordTime);
    expect(parsed.ok && parsed.attributes.time).toEqual(recordTime);
  });

  it.each([
    [{ ce_type: 'T' }, 'missing ce_id header'],
    [{ ce_id: 'e' }, 'missing ce_type header'],
    [{ ce_id: 'e', ce_type: 'T', ce_time: 'yesterday' }, 'invalid ce_time yesterday'],
    [{ ce_id: 'e', ce_type: 'T', ce_specversion: '2.0' }, 'unsupported ce_specversion 2.0'],
  ])('rejects %j', (headers, reason) => {
    expect(parseCloudEventHeaders(headers, recordTime)).toEqual({ ok: false, reason });
  });
});

describe('headersToStrings', () => {
  it('decodes UTF-8, takes the first of repeated headers and drops empty ones', () => {
    expect(headersToStrings({ a: Buffer.from('华东'), b: [Buffer.from('1'), Buffer.from('2')], c: undefined, d: 'text' })).toEqual({
      a: '华东',
      b: '1',
      d: 'text',
    });
  });
});
