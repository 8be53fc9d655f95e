import { Topics } from '@liaison/contracts';
import { createOutbox } from '@liaison/events';

/** Every event of the customer service goes to its own topic, liaison.customer.v1, as liaison.customer. */
export const outbox = createOutbox({ source: 'liaison.customer', topic: Topics.customer });
