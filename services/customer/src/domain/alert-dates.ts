// Date math of the care rules (CUS-13), on calendar dates in China time as 'YYYY-MM-DD'.
// A yearly date (a birthday, a festival, a deal anniversary) is due on its month and day; one
// on 29 February is due on the 28th in years without it, so it is never skipped.

export interface CareDate {
  month: number;
  day: number;
  /** The date it is due within the window. */
  due: string;
}

const DAY_MS = 86_400_000;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function parseDate(date: string): Date {
  const match = DATE.exec(date);
  if (!match) throw new Error(`not a date: ${date}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

function formatDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return formatDate(new Date(parseDate(date).getTime() + days * DAY_MS));
}

export function daysBetween(from: string, to: string): number {
  return Math.round((parseDate(to).getTime() - parseDate(from).getTime()) / DAY_MS);
}

/**
 * Every month/day that falls due from `today` to `daysAhead` days later, each with its due date.
 * 29 February joins the 28th in other years. A month/day appears once, at its first due date,
 * so a window of a whole year does not name today's date twice.
 */
export function careWindow(today: string, daysAhead: number): CareDate[] {
  const seen = new Set<string>();
  const window: CareDate[] = [];
  const add = (month: number, day: number, due: string) => {
    const key = `${month}-${day}`;
    if (seen.has(key)) return;
    seen.add(key);
    window.push({ month, day, due });
  };
  for (let offset = 0; offset <= daysAhead; offset += 1) {
    const due = addDays(today, offset);
    const date = parseDate(due);
    const [year, month, day] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
    add(month, day, due);
    if (month === 2 && day === 28 && !isLeapYear(year)) add(2, 29, due);
  }
  return window;
}

/** The due date of one yearly month/day within the window, or undefined when it is not due. */
export function dueWithin(window: readonly CareDate[], month: number, day: number): string | undefined {
  return window.find((date) => date.month === month && date.day === day)?.due;
}
