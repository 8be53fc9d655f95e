import { EventTypes } from '@liaison/contracts';
import { outbox } from './outbox';
import type { PoolClient } from '@liaison/runtime';
import { riskDirection, type CreditRiskLevel, type ValueGrade } from '../domain/customer-value';
import { gradeToProto, levelToProto, valueToProto } from '../grpc/customer-view-mapper';
import type { CustomerSummary } from '../persistence/summary-repository';

// CUS-19 events, written to the outbox in the projection's transaction (the same one as the
// inbox row of the event that caused them) and published to liaison.customer.v1, keyed by
// customer id.

type Rescored = Omit<CustomerSummary, 'computedAt'>;

export function customerValueChanged(tx: PoolClient, customerId: string, from: ValueGrade, summary: Rescored): Promise<string[]> {
  return outbox.append(tx, [
    {
      type: EventTypes.CustomerValueChanged,
      aggregateId: customerId,
      payload: { customerId, from: gradeToProto(from), to: gradeToProto(summary.value.grade), value: valueToProto(summary.value, summary) },
    },
  ]);
}

/** CreditRiskRaised when the level went up, CreditRiskLowered when it went down. */
export function creditRiskChanged(
  tx: PoolClient,
  customerId: string,
  from: CreditRiskLevel,
  summary: Rescored,
  creditLimitMinor: number | null,
): Promise<string[]> {
  const { figures, credit } = summary;
  const payload = {
    customerId,
    from: levelToProto(from),
    to: levelToProto(credit.level),
    reasons: [...credit.reasons],
    outstanding: { minorUnits: figures.outstandingMinor, currencyCode: figures.currency },
    creditLimit: creditLimitMinor === null ? undefined : { minorUnits: creditLimitMinor, currencyCode: figures.currency },
    overdueDays: figures.overdueDays,
  };
  const raised = riskDirection(from, credit.level) > 0;
  return raised
    ? outbox.append(tx, [{ type: EventTypes.CreditRiskRaised, aggregateId: customerId, payload }])
    : outbox.append(tx, [{ type: EventTypes.CreditRiskLowered, aggregateId: customerId, payload }]);
}
