// CUS-19: the customer value score (RFM with fixed bands, so a customer's grade never moves
// because other customers changed) and the credit-risk warning. Pure functions: the projection
// calls them with the figures it just recomputed. The bands are documented in docs/api.md.

export type ValueGrade = 'A' | 'B' | 'C' | 'D';
export type CreditRiskLevel = 'none' | 'watch' | 'high';
export type CreditRiskReason = 'over_credit_limit' | 'overdue_over_30_days' | 'overdue_over_90_days';

export interface ValueInputs {
  lastOrderAt: Date | null;
  lastFollowUpAt: Date | null;
  ordersLast12Months: number;
  followUpsLast12Months: number;
  /** In minor units of the customer's currency. */
  orderAmountLast12MonthsMinor: number;
}

export interface CustomerValue {
  score: number;
  grade: ValueGrade;
  recencyPoints: number;
  frequencyPoints: number;
  monetaryPoints: number;
  /** Days since the last order, or without orders the last follow-up; -1 when neither exists. */
  recencyDays: number;
}

const DAY_MS = 86_400_000;
/** A follow-up is a weak signal: four of them count as much as one order. */
export const FOLLOW_UPS_PER_ORDER = 4;

// [lower bound, points], highest first; the first bound the value reaches gives the points.
type Bands = readonly (readonly [number, number])[];

const ORDER_RECENCY_DAYS: Bands = [
  [30, 5],
  [90, 4],
  [180, 3],
  [365, 2],
  [Infinity, 1],
];
const FOLLOW_UP_RECENCY_DAYS: Bands = [
  [30, 2],
  [90, 1],
];
const FREQUENCY: Bands = [
  [12, 5],
  [6, 4],
  [3, 3],
  [1, 2],
  [Number.MIN_VALUE, 1],
];
/** Major units (yuan): ≥ 1,000,000 / 200,000 / 50,000 / 10,000 / anything. */
const MONETARY_MAJOR: Bands = [
  [1_000_000, 5],
  [200_000, 4],
  [50_000, 3],
  [10_000, 2],
  [Number.MIN_VALUE, 1],
];

const GRADES: readonly (readonly [number, ValueGrade])[] = [
  [80, 'A'],
  [60, 'B'],
  [40, 'C'],
  [0, 'D'],
];

function pointsAtLeast(value: number, bands: Bands): number {
  return bands.find(([bound]) => value >= bound)?.[1] ?? 0;
}

function pointsWithin(days: number, bands: Bands): number {
  return bands.find(([bound]) => days <= bound)?.[1] ?? 0;
}

function daysSince(time: Date, now: Date): number {
  return Math.max(0, Math.floor((now.getTime() - time.getTime()) / DAY_MS));
}

/** Orders decide recency; without any order, a follow-up earns at most 2 of the 5 points. */
function recencyOf(inputs: ValueInputs, now: Date): { points: number; days: number } {
  if (inputs.lastOrderAt) {
    const days = daysSince(inputs.lastOrderAt, now);
    return { points: pointsWithin(days, ORDER_RECENCY_DAYS), days };
  }
  if (inputs.lastFollowUpAt) {
    const days = daysSince(inputs.lastFollowUpAt, now);
    return { points: pointsWithin(days, FOLLOW_UP_RECENCY_DAYS), days };
  }
  return { points: 0, days: -1 };
}

export function gradeOf(score: number): ValueGrade {
  return GRADES.find(([bound]) => score >= bound)?.[1] ?? 'D';
}

/** Score = (R + F + M) / 15 × 100, rounded; each of R, F, M is 0..5 band points. */
export function scoreCustomerValue(inputs: ValueInputs, now: Date): CustomerValue {
  const recency = recencyOf(inputs, now);
  const frequency = pointsAtLeast(inputs.ordersLast12Months + inputs.followUpsLast12Months / FOLLOW_UPS_PER_ORDER, FREQUENCY);
  const monetary = pointsAtLeast(inputs.orderAmountLast12MonthsMinor / 100, MONETARY_MAJOR);
  const score = Math.round(((recency.points + frequency + monetary) / 15) * 100);
  return {
    score,
    grade: gradeOf(score),
    recencyPoints: recency.points,
    frequencyPoints: frequency,
    monetaryPoints: monetary,
    recencyDays: recency.days,
  };
}

export interface CreditInputs {
  outstandingMinor: number;
  /** null when the customer has no credit limit. */
  creditLimitMinor: number | null;
  overdueDays: number;
}

export interface CreditRisk {
  level: CreditRiskLevel;
  reasons: CreditRiskReason[];
}

const LEVEL_RANK: Record<CreditRiskLevel, number> = { none: 0, watch: 1, high: 2 };

export function assessCreditRisk(inputs: CreditInputs): CreditRisk {
  const reasons: CreditRiskReason[] = [];
  if (inputs.creditLimitMinor !== null && inputs.outstandingMinor > inputs.creditLimitMinor) reasons.push('over_credit_limit');
  if (inputs.overdueDays > 90) reasons.push('overdue_over_90_days');
  else if (inputs.overdueDays > 30) reasons.push('overdue_over_30_days');
  const high = reasons.includes('over_credit_limit') || reasons.includes('overdue_over_90_days');
  return { level: high ? 'high' : reasons.length > 0 ? 'watch' : 'none', reasons };
}

/** 1 when the risk went up, -1 when it went down, 0 when the level is unchanged. */
export function riskDirection(from: CreditRiskLevel, to: CreditRiskLevel): -1 | 0 | 1 {
  return Math.sign(LEVEL_RANK[to] - LEVEL_RANK[from]) as -1 | 0 | 1;
}
