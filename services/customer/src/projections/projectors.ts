import { EventTypes, Topics } from '@liaison/contracts';
import * as customer from './customer-projectors';
import type { Projector } from './projection-change';
import * as sales from './sales-projectors';
import * as service from './service-projectors';

// Which event types feed the customer projection, and how. Types not listed (contacts, the
// projection's own CustomerValueChanged…) are consumed and ignored.

export const PROJECTED_TOPICS = [Topics.sales, Topics.service, Topics.customer];

export const projectors: ReadonlyMap<string, Projector> = new Map<string, Projector>([
  [EventTypes.OrderPlaced.type, sales.orderPlaced],
  [EventTypes.OrderCancelled.type, sales.orderCancelled],
  [EventTypes.PaymentReceived.type, sales.paymentReceived],
  [EventTypes.ReceivableBalanceChanged.type, sales.receivableBalanceChanged],
  [EventTypes.OpportunityOpened.type, sales.opportunityOpened],
  [EventTypes.OpportunityClosed.type, sales.opportunityClosed],
  [EventTypes.ServiceRequestOpened.type, service.serviceRequestOpened],
  [EventTypes.ServiceRequestClosed.type, service.serviceRequestClosed],
  [EventTypes.CustomerCreated.type, customer.customerCreated],
  [EventTypes.CustomerUpdated.type, customer.customerUpdated],
  [EventTypes.CustomerCategoryChanged.type, customer.customerCategoryChanged],
  [EventTypes.FollowUpRecorded.type, customer.followUpRecorded],
  [EventTypes.FollowUpUpdated.type, customer.followUpUpdated],
  [EventTypes.FollowUpDeleted.type, customer.followUpDeleted],
]);
