import { periodSlot } from './ledger';

describe('periodSlot', () => {
  it('is the start of the interval a moment falls in, the same for every moment inside it', () => {
    const hour = 3_600_000;
    expect(periodSlot(new Date('2026-03-01T10:00:00.000Z'), hour)).toBe('2026-03-01T10:00:00.000Z');
    expect(periodSlot(new Date('2026-03-01T10:59:59.999Z'), hour)).toBe('2026-03-01T10:00:00.000Z');
    expect(periodSlot(new Date('2026-03-01T11:00:00.000Z'), hour)).toBe('2026-03-01T11:00:00.000Z');
  });

  it('refuses a non-positive interval', () => {
    expect(() => periodSlot(new Date(), 0)).toThrow();
  });
});
