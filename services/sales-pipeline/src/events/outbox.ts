import { Topics } from '@liaison/contracts';
import { createOutbox } from '@liaison/events';

/**
 * Every event of the sales-pipeline service goes to its own topic, liaison.sales.v1, written in the
 * transaction of the change it announces (the relay publishes it). Declare the payload in
 * proto/liaison/events/v1 and its type in libs/contracts EventTypes, then append here.
 */
export const outbox = createOutbox({ source: 'liaison.sales', topic: Topics.sales });
