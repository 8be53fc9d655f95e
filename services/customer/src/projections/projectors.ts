import { EventTypes, Topics } from '@liaison/contracts';
import { ProjectorRegistry } from '@liaison/events';
import * as customer from './customer-projectors';
import type { ProjectionChange } from './projection-change';
import * as sales from './sales-projectors';
import * as service from './service-projectors';

// Which event types feed the customer projection, and how. Types not listed (contacts, the
// projection's own CustomerValueChanged…) are consumed and ignored.

export const PROJECTED_TOPICS = [Topics.sales, Topics.service, Topics.customer];

export const projectors = new ProjectorRegistry<ProjectionChange | null>()
  .on(EventTypes.OrderPlaced, sales.orderPlaced)
  .on(EventTypes.OrderCancelled, sales.orderCancelled)
  .on(EventTypes.PaymentReceived, sales.paymentReceived)
  .on(EventTypes.ReceivableBalanceChanged, sales.receivableBalanceChanged)
  .on(EventTypes.OpportunityOpened, sales.opportunityOpened)
  .on(EventTypes.OpportunityClosed, sales.opportunityClosed)
  .on(EventTypes.ServiceRequestOpened, service.serviceRequestOpened)
  .on(EventTypes.ServiceRequestClosed, service.serviceRequestClosed)
  .on(EventTypes.CustomerCreated, customer.customerCreated)
  .on(EventTypes.CustomerUpdated, customer.customerUpdated)
  .on(EventTypes.CustomerCategoryChanged, customer.customerCategoryChanged)
  .on(EventTypes.FollowUpRecorded, customer.followUpRecorded)
  .on(EventTypes.FollowUpUpdated, customer.followUpUpdated)
  .on(EventTypes.FollowUpDeleted, customer.followUpDeleted);
