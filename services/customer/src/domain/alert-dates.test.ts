import { addDays, careWindow, daysBetween, dueWithin, isLeapYear } from './alert-dates';

describe('care dates', () => {
  it('knows leap years', () => {
    expect([2024, 2000, 2028].map(isLeapYear)).toEqual([true, true, true]);
    expect([2025, 1900, 2100].map(isLeapYear)).toEqual([false, false, false]);
  });

  it('counts calendar days, across the year end', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(daysBetween('2026-12-30', '2027-01-02')).toBe(3);
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
  });

  it('finds a birthday N days ahead across the year end, with the days left', () => {
    const window = careWindow('2026-12-29', 7);
    expect(window).toHaveLength(8);
    expect(dueWithin(window, 1, 3)).toBe('2027-01-03');
    expect(dueWithin(window, 12, 29)).toBe('2026-12-29');
    expect(dueWithin(window, 1, 6)).toBeUndefined();
    expect(dueWithin(window, 12, 28)).toBeUndefined();
  });

  it('is just today for 0 days ahead', () => {
    expect(careWindow('2026-06-01', 0)).toEqual([{ month: 6, day: 1, due: '2026-06-01' }]);
  });

  it('makes 29 February due on the 28th in a year without it', () => {
    const window = careWindow('2026-02-25', 5);
    expect(dueWithin(window, 2, 29)).toBe('2026-02-28');
    expect(dueWithin(window, 2, 28)).toBe('2026-02-28');
    expect(dueWithin(window, 3, 2)).toBe('2026-03-02');
    // Not before the 28th comes into the window.
    expect(dueWithin(careWindow('2026-02-20', 5), 2, 29)).toBeUndefined();
  });

  it('keeps 29 February on its own day in a leap year', () => {
    const window = careWindow('2028-02-27', 3);
    expect(dueWithin(window, 2, 29)).toBe('2028-02-29');
    expect(dueWithin(window, 2, 28)).toBe('2028-02-28');
    expect(dueWithin(window, 3, 1)).toBe('2028-03-01');
  });

  it('names each month and day once, at its first due date, in a window of a whole year', () => {
    const window = careWindow('2026-03-01', 365);
    expect(dueWithin(window, 3, 1)).toBe('2026-03-01');
    expect(window.filter((date) => date.month === 3 && date.day === 1)).toHaveLength(1);
    // 2027 is not a leap year either: 29 February joins 2027-02-28.
    expect(dueWithin(window, 2, 29)).toBe('2027-02-28');
    expect(window).toHaveLength(366);
  });
});
