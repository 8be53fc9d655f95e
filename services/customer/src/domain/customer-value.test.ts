import { assessCreditRisk, gradeOf, riskDirection, scoreCustomerValue, type ValueInputs } from './customer-value';

const NOW = new Date('2026-06-30T04:00:00Z');
const daysAgo = (days: number) => new Date(NOW.getTime() - days * 86_400_000);
const NOTHING: ValueInputs = {
  lastOrderAt: null,
  lastFollowUpAt: null,
  ordersLast12Months: 0,
  followUpsLast12Months: 0,
  orderAmountLast12MonthsMinor: 0,
};
const yuan = (amount: number) => amount * 100;

describe('customer value score', () => {
  it('gives a customer without orders or follow-ups 0 points and grade D', () => {
    expect(scoreCustomerValue(NOTHING, NOW)).toEqual({
      score: 0,
      grade: 'D',
      recencyPoints: 0,
      frequencyPoints: 0,
      monetaryPoints: 0,
      recencyDays: -1,
    });
  });

  it('scores one recent 300,000 yuan order as B and a 1.2 million one as A', () => {
    const order = { ...NOTHING, lastOrderAt: daysAgo(3), ordersLast12Months: 1 };
    expect(scoreCustomerValue({ ...order, orderAmountLast12MonthsMinor: yuan(300_000) }, NOW)).toMatchObject({
      score: 73,
      grade: 'B',
      recencyPoints: 5,
      frequencyPoints: 2,
      monetaryPoints: 4,
      recencyDays: 3,
    });
    expect(scoreCustomerValue({ ...order, orderAmountLast12MonthsMinor: yuan(1_200_000) }, NOW)).toMatchObject({ score: 80, grade: 'A' });
  });

  it('lets recency fall through its bands as the last order ages', () => {
    const points = [10, 60, 120, 300, 500].map((days) => scoreCustomerValue({ ...NOTHING, lastOrderAt: daysAgo(days) }, NOW).recencyPoints);
    expect(points).toEqual([5, 4, 3, 2, 1]);
  });

  it('counts follow-ups as weak signals: at most 2 recency points, four per order of frequency', () => {
    const recent = scoreCustomerValue({ ...NOTHING, lastFollowUpAt: daysAgo(1), followUpsLast12Months: 1 }, NOW);
    expect(recent).toMatchObject({ recencyPoints: 2, frequencyPoints: 1, monetaryPoints: 0, recencyDays: 1, grade: 'D' });
    expect(scoreCustomerValue({ ...NOTHING, lastFollowUpAt: daysAgo(200) }, NOW).recencyPoints).toBe(0);
    expect(scoreCustomerValue({ ...NOTHING, followUpsLast12Months: 12 }, NOW).frequencyPoints).toBe(3);
    expect(scoreCustomerValue({ ...NOTHING, ordersLast12Months: 12 }, NOW).frequencyPoints).toBe(5);
  });

  it('prefers the last order over a later follow-up for recency', () => {
    const value = scoreCustomerValue({ ...NOTHING, lastOrderAt: daysAgo(400), lastFollowUpAt: daysAgo(1) }, NOW);
    expect(value).toMatchObject({ recencyPoints: 1, recencyDays: 400 });
  });

  it('reaches 100 only with recent, frequent and large orders', () => {
    const best = scoreCustomerValue(
      { ...NOTHING, lastOrderAt: daysAgo(0), ordersLast12Months: 12, orderAmountLast12MonthsMinor: yuan(1_000_000) },
      NOW,
    );
    expect(best).toMatchObject({ score: 100, grade: 'A' });
  });

  it('grades on fixed bounds', () => {
    expect([100, 80, 79, 60, 59, 40, 39, 0].map(gradeOf)).toEqual(['A', 'A', 'B', 'B', 'C', 'C', 'D', 'D']);
  });
});

describe('credit risk', () => {
  it('is none within the limit and at most 30 days overdue', () => {
    expect(assessCreditRisk({ outstandingMinor: 100, creditLimitMinor: 100, overdueDays: 30 })).toEqual({ level: 'none', reasons: [] });
    expect(assessCreditRisk({ outstandingMinor: 5_000, creditLimitMinor: null, overdueDays: 0 })).toEqual({ level: 'none', reasons: [] });
  });

  it('watches over 30 days overdue and is high over 90 days or over the limit', () => {
    expect(assessCreditRisk({ outstandingMinor: 0, creditLimitMinor: null, overdueDays: 31 })).toEqual({
      level: 'watch',
      reasons: ['overdue_over_30_days'],
    });
    expect(assessCreditRisk({ outstandingMinor: 0, creditLimitMinor: null, overdueDays: 91 })).toEqual({
      level: 'high',
      reasons: ['overdue_over_90_days'],
    });
    expect(assessCreditRisk({ outstandingMinor: 101, creditLimitMinor: 100, overdueDays: 45 })).toEqual({
      level: 'high',
      reasons: ['over_credit_limit', 'overdue_over_30_days'],
    });
  });

  it('tells whether a level went up or down', () => {
    expect(riskDirection('none', 'high')).toBe(1);
    expect(riskDirection('high', 'watch')).toBe(-1);
    expect(riskDirection('watch', 'watch')).toBe(0);
  });
});
