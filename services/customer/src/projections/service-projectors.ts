import type { serviceEventsV1 } from '@liaison/contracts';
import type { ReceivedEvent } from '@liaison/events';
import { clip, customerIdOf, refIdOf, timeOf, type ProjectionChange } from './projection-change';

// Projectors of the service desk's events, keyed by request id so that a close overtaking its
// open is kept and counted once the open arrives.

export function serviceRequestOpened(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as serviceEventsV1.ServiceRequestOpened;
  const requestId = refIdOf(event, payload.requestId, 'request_id');
  const at = timeOf(event, payload.at);
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'service_request', refId: requestId, startedAt: at },
    timeline: {
      kind: 'service_request_opened',
      section: 'service',
      title: clip(payload.title.trim() || `Service request ${requestId} opened`),
      at,
      refId: requestId,
    },
  };
}

export function serviceRequestClosed(event: ReceivedEvent): ProjectionChange {
  const payload = event.payload as serviceEventsV1.ServiceRequestClosed;
  const requestId = refIdOf(event, payload.requestId, 'request_id');
  const at = timeOf(event, payload.at);
  return {
    customerId: customerIdOf(event, payload.customerId),
    fact: { kind: 'service_request', refId: requestId, endedAt: at },
    timeline: { kind: 'service_request_closed', section: 'service', title: `Service request ${requestId} closed`, at, refId: requestId },
  };
}
