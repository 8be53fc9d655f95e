import { deadLetterHeaders, deadLetterTopicOf, isDeadLetterTopic } from './dead-letter';

const context = { topic: 'liaison.customer.v1', partition: 2, offset: '41', attempts: 5, consumerGroup: 'analytics' };

describe('deadLetterHeaders', () => {
  it('keeps the original headers and adds where and why it failed', () => {
    const error = new Error('customer not found');
    const headers = deadLetterHeaders({ ce_id: Buffer.from('e-1'), traceparent: 'tp' }, { ...context, error });
    expect(headers).toMatchObject({
      'ce_id': Buffer.from('e-1'),
      'traceparent': 'tp',
      'x-error': 'customer not found',
      'x-original-topic': 'liaison.customer.v1',
      'x-original-partition': '2',
      'x-original-offset': '41',
      'x-attempts': '5',
      'x-consumer-group': 'analytics',
    });
    expect(headers['x-error-stack']).toContain('customer not found');
  });

  it('truncates long messages and stacks so the DLQ record stays publishable', () => {
    const error = new Error('x'.repeat(10_000));
    error.stack = 'y'.repeat(100_000);
    const headers = deadLetterHeaders(undefined, { ...context, error });
    expect((headers['x-error'] as string).length).toBeLessThanOrEqual(2_001);
    expect((headers['x-error-stack'] as string).length).toBeLessThanOrEqual(4_001);
  });

  it('accepts thrown non-errors', () => {
    expect(deadLetterHeaders(undefined, { ...context, error: 'plain string' })['x-error']).toBe('plain string');
  });

  it('replaces the failure headers of a record dead-lettered before', () => {
    const headers = deadLetterHeaders({ 'x-error': 'old', 'x-attempts': '1' }, { ...context, error: new Error('new') });
    expect(headers['x-error']).toBe('new');
    expect(headers['x-attempts']).toBe('5');
  });
});

describe('dead-letter topic names', () => {
  it('appends .dlq and recognises it', () => {
    expect(deadLetterTopicOf('liaison.customer.v1')).toBe('liaison.customer.v1.dlq');
    expect(isDeadLetterTopic('liaison.customer.v1.dlq')).toBe(true);
    expect(isDeadLetterTopic('liaison.customer.v1')).toBe(false);
  });
});
