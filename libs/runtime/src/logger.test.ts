import { Writable } from 'node:stream';
import { context, trace, ROOT_CONTEXT } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { createLogger, scrubText } from './logger';

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { lines, logger: createLogger({ service: 'test', destination }) };
}

describe('logger', () => {
  it('redacts sensitive keys at any depth', () => {
    const { lines, logger } = capture();
    logger.info({ authorization: 'Bearer abc', customer: { phone: '13812345678', email: 'li@example.com', name: '王' } }, 'saved');
    expect(lines[0].authorization).toBe('[redacted]');
    expect(lines[0].customer).toEqual({ phone: '[redacted]', email: '[redacted]', name: '王' });
  });

  it('masks phones, emails and tokens inside free text', () => {
    const { lines, logger } = capture();
    logger.warn(`rejected 13812345678 / +86 138-1234-5678 for zhang.san@example.cn with eyJhbGciOi.eyJzdWIi.sig`);
    const msg = String(lines[0].msg);
    expect(msg).not.toMatch(/1381234|zhang\.san|eyJhbGci/);
    expect(msg).toContain('[phone]');
    expect(msg).toContain('[email]');
    expect(msg).toContain('[jwt]');
  });

  it('keeps ordinary numbers such as ids and amounts', () => {
    expect(scrubText('order 2024 amount 1200.50 version 7')).toBe('order 2024 amount 1200.50 version 7');
  });

  it('adds the active trace and span ids', () => {
    const { lines, logger } = capture();
    const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };
    context.with(trace.setSpanContext(ROOT_CONTEXT, spanContext), () => logger.info('inside'));
    expect(lines[0]).toMatchObject({ trace_id: spanContext.traceId, span_id: spanContext.spanId, service: 'test', level: 'info' });
  });
});
