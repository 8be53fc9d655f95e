import { AppError } from '@liaison/runtime';

// The customer lifecycle (CUS-02) as an explicit state machine. Reps move their customers
// forward and back between the working categories; declaring a customer invalid, or bringing
// one back from invalid, is a supervisor's decision (reps apply for it through an approval).

export type Category = 'potential' | 'intentional' | 'key' | 'deal' | 'invalid' | 'shelved';

export const CATEGORIES: readonly Category[] = ['potential', 'intentional', 'key', 'deal', 'invalid', 'shelved'];

/** Categories a new customer may start in; a deal needs the deal confirmation. */
export const INITIAL_CATEGORIES: readonly Category[] = ['potential', 'intentional', 'key'];

const MOVES: Record<Category, readonly Category[]> = {
  potential: ['intentional', 'key', 'deal', 'shelved', 'invalid'],
  intentional: ['potential', 'key', 'deal', 'shelved', 'invalid'],
  key: ['intentional', 'deal', 'shelved', 'invalid'],
  // A deal is history: later business is tracked by orders, not by re-categorising.
  deal: [],
  shelved: ['potential', 'intentional', 'key', 'invalid'],
  invalid: ['potential'],
};

/** Moves that only a supervisor (permission customer:approve) may make directly. */
const SUPERVISED: readonly string[] = ['*->invalid', 'invalid->*'];

export function allowedMoves(from: Category): readonly Category[] {
  return MOVES[from];
}

export function needsSupervisor(from: Category, to: Category): boolean {
  return SUPERVISED.includes(`*->${to}`) || SUPERVISED.includes(`${from}->*`);
}

/** Throws failed_precondition for a move the lifecycle does not have. */
export function checkMove(from: Category, to: Category): void {
  if (from === to) throw new AppError('failed_precondition', `customer is already ${to}`, [], 'category_unchanged');
  if (!MOVES[from].includes(to)) {
    const options = MOVES[from].length ? MOVES[from].join(', ') : 'none';
    throw new AppError('failed_precondition', `a ${from} customer cannot become ${to} (possible: ${options})`, [], 'illegal_category_move');
  }
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Today in China, where the deal is confirmed, as YYYY-MM-DD. */
export function todayInChina(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
}

/** The deal date of a deal confirmation: a real calendar date, not in the future; today when empty. */
export function dealDateOf(raw: string, now = new Date()): string {
  if (!raw) return todayInChina(now);
  const match = ISO_DATE.exec(raw);
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || date.toISOString().slice(0, 10) !== raw) {
    throw AppError.invalid('deal_date must be a date YYYY-MM-DD', [{ field: 'deal_date', message: 'must be a calendar date YYYY-MM-DD' }]);
  }
  if (raw > todayInChina(now))
    throw AppError.invalid('deal_date is in the future', [{ field: 'deal_date', message: 'must not be in the future' }]);
  return raw;
}
