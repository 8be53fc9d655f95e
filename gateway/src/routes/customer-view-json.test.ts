import { customerV1, customerViewV1 } from '@liaison/contracts';
import { timelineToJson, view360ToJson } from './customer-view-json';

const { CustomerValueGrade: Grade, CreditRiskLevel: Level } = customerViewV1;
const cny = (minorUnits: number) => ({ minorUnits, currencyCode: 'CNY' });
const customer = customerV1.Customer.fromPartial({
  id: '7c1d2f30-5a4b-4c3d-8e2f-0123456789ab',
  name: '杭州西湖精密机械',
  kind: customerV1.CustomerKind.CUSTOMER_KIND_COMPANY,
  category: customerV1.CustomerCategory.CUSTOMER_CATEGORY_DEAL,
  version: 3,
  audit: { createTime: new Date(0), updateTime: new Date(0) },
});

describe('customer 360 JSON', () => {
  it('shows a withheld section as null, never as an empty list', () => {
    const json = view360ToJson(
      customerViewV1.Customer360.fromPartial({ customer, withheldSections: ['contacts', 'follow_ups', 'trade', 'finance', 'value'] }),
    );
    expect(json).toMatchObject({
      contacts: null,
      recentFollowUps: null,
      trade: null,
      finance: null,
      value: null,
      creditRisk: null,
      figuresAt: null,
    });
    expect(json.withheldSections).toEqual(['contacts', 'follow_ups', 'trade', 'finance', 'value']);
    expect(json.activity).toEqual({
      contactCount: 0,
      openOpportunities: 0,
      totalOpportunities: 0,
      followUpCount: 0,
      lastFollowUpAt: null,
      openServiceRequests: 0,
      totalServiceRequests: 0,
      lastActivityAt: null,
    });
  });

  it('maps figures, grade and risk, with money as minor units and an ISO currency', () => {
    const json = view360ToJson(
      customerViewV1.Customer360.fromPartial({
        customer,
        contacts: [{ id: 'c', name: '王经理', title: '', phone: '13800000000', email: '', isPrimary: true }],
        trade: {
          orderCount: 2,
          orderAmount: cny(500),
          orderCountThisYear: 1,
          orderAmountThisYear: cny(300),
          largestOrderAmount: cny(300),
          largestOrderId: 'o-1',
        },
        finance: { received: cny(100), outstanding: cny(400), overdueDays: 31 },
        value: { score: 73, grade: Grade.CUSTOMER_VALUE_GRADE_B, recencyDays: -1, orderAmountLast12Months: cny(300) },
        creditRisk: { level: Level.CREDIT_RISK_LEVEL_WATCH, reasons: ['overdue_over_30_days'] },
      }),
    );
    expect(json.contacts).toEqual([{ id: 'c', name: '王经理', title: null, phone: '13800000000', email: null, isPrimary: true }]);
    expect(json.trade).toMatchObject({
      orderAmount: { minorUnits: 500, currency: 'CNY' },
      largestOrder: { id: 'o-1', amount: { minorUnits: 300, currency: 'CNY' } },
      lastOrderAt: null,
    });
    expect(json.finance).toMatchObject({ creditLimit: null, overdueDays: 31 });
    expect(json.value).toMatchObject({ score: 73, grade: 'B', recencyDays: null });
    expect(json.creditRisk).toEqual({ level: 'watch', reasons: ['overdue_over_30_days'] });
  });

  it('pages the timeline with null for the last page and absent amounts', () => {
    const json = timelineToJson(
      customerViewV1.GetCustomerTimelineResponse.fromPartial({
        entries: [
          {
            id: '9',
            time: new Date('2026-01-02T03:04:05Z'),
            kind: 'service_request_opened',
            section: 'service',
            title: '设备异响',
            sourceService: 'liaison.service',
            refId: '',
          },
        ],
        page: { nextPageToken: '' },
      }),
    );
    expect(json).toEqual({
      items: [
        {
          id: '9',
          at: '2026-01-02T03:04:05.000Z',
          kind: 'service_request_opened',
          section: 'service',
          title: '设备异响',
          sourceService: 'liaison.service',
          refId: null,
          amount: null,
        },
      ],
      nextPageToken: null,
      withheldSections: [],
    });
  });
});
