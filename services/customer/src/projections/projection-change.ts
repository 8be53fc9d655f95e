import type { ReceivedEvent } from '@liaison/events';

// What one incoming event changes in the projection, decided from the payload alone so that the
// projectors stay pure and testable; customer-projection.ts applies it in the inbox transaction.

export type FactKind = 'order' | 'payment' | 'opportunity' | 'service_request' | 'follow_up';
export type TimelineSection = 'customer' | 'follow_ups' | 'trade' | 'finance' | 'service';

export interface Money {
  minorUnits: number;
  currency: string;
}

/** An order, payment… learnt of or ended. Absent fields keep what the fact already holds. */
export interface FactChange {
  kind: FactKind;
  refId: string;
  startedAt?: Date;
  endedAt?: Date;
  amount?: Money;
  outcome?: 'won' | 'lost';
}

export interface TimelineDraft {
  kind: string;
  section: TimelineSection;
  title: string;
  at: Date;
  refId?: string;
  amount?: Money;
}

export interface ProjectionChange {
  customerId: string;
  fact?: FactChange;
  balance?: { outstanding: Money; overdueDays: number; asOf: Date };
  timeline?: TimelineDraft;
  /** An earlier entry now reads differently (a follow-up was edited). */
  timelineEdit?: { kind: string; refId: string; title: string; at: Date };
  /** An earlier entry is void (a follow-up was deleted). */
  timelineRemoval?: { kind: string; refId: string };
}

/** Turns an event into its change; null when the event changes nothing the projection keeps. */
export type Projector = (event: ReceivedEvent) => ProjectionChange | null;

/** A payload no retry can fix; after the consumer's attempts it lands in the dead-letter topic. */
export class InvalidEventError extends Error {
  constructor(type: string, problem: string) {
    super(`${type}: ${problem}`);
    this.name = 'InvalidEventError';
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_REF_LENGTH = 100;
const MAX_TITLE_LENGTH = 300;

export function customerIdOf(event: ReceivedEvent, value: string): string {
  if (!UUID.test(value)) throw new InvalidEventError(event.type, `customer_id "${value}" is not a UUID`);
  return value.toLowerCase();
}

export function refIdOf(event: ReceivedEvent, value: string, field: string): string {
  const ref = value.trim();
  if (!ref || ref.length > MAX_REF_LENGTH) throw new InvalidEventError(event.type, `${field} must be 1 to ${MAX_REF_LENGTH} characters`);
  return ref;
}

export function moneyOf(
  event: ReceivedEvent,
  value: { minorUnits: number; currencyCode: string } | undefined,
  field: string,
  allowZero = false,
): Money {
  if (!value) throw new InvalidEventError(event.type, `${field} is missing`);
  const { minorUnits, currencyCode } = value;
  if (!Number.isSafeInteger(minorUnits) || minorUnits < 0 || (minorUnits === 0 && !allowZero)) {
    throw new InvalidEventError(event.type, `${field} must be ${allowZero ? 'zero or more' : 'positive'}`);
  }
  if (!CURRENCY.test(currencyCode)) throw new InvalidEventError(event.type, `${field} has no ISO 4217 currency`);
  return { minorUnits, currency: currencyCode };
}

/** The business time of the payload, else the CloudEvents time (when the event happened). */
export function timeOf(event: ReceivedEvent, value: Date | undefined): Date {
  return value && !Number.isNaN(value.getTime()) ? value : event.time;
}

/** Cuts text to a length in characters (not UTF-16 units), so a Chinese title is never split mid-character. */
export function clip(text: string, length = MAX_TITLE_LENGTH): string {
  const characters = [...text.normalize('NFC').trim().replace(/\s+/g, ' ')];
  return characters.length <= length ? characters.join('') : `${characters.slice(0, length - 1).join('')}…`;
}
