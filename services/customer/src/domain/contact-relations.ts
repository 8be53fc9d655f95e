import { AppError } from '@liaison/runtime';

// Relations between contacts of one customer: who reports to whom (汇报关系) and who
// influences whose decision (影响关系). One relation per ordered pair; reporting is a hierarchy
// (several bosses are allowed for dotted lines, but never a cycle).

export const RELATION_KINDS = ['reports_to', 'influences', 'other'] as const;
export type RelationKind = (typeof RELATION_KINDS)[number];

export interface ContactRelation {
  customerId: string;
  fromContactId: string;
  toContactId: string;
  kind: RelationKind;
  label: string | null;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

const MAX_LABEL_LENGTH = 50;
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

export function checkRelationInput(fromContactId: string, toContactId: string, label: string | null): void {
  if (fromContactId === toContactId) {
    throw AppError.invalid('a contact cannot relate to itself', [{ field: 'to_contact_id', message: 'must be another contact' }]);
  }
  if (label !== null && ([...label].length > MAX_LABEL_LENGTH || CONTROL_CHARS.test(label))) {
    throw AppError.invalid('label is too long', [{ field: 'label', message: `must be at most ${MAX_LABEL_LENGTH} characters` }]);
  }
}

/**
 * True when `from` reporting to `to` would close a cycle, i.e. `to` already reports to `from`
 * directly or through a chain of bosses.
 */
export function closesReportingCycle(
  relations: readonly Pick<ContactRelation, 'fromContactId' | 'toContactId' | 'kind'>[],
  from: string,
  to: string,
): boolean {
  const bossesOf = new Map<string, string[]>();
  for (const relation of relations) {
    if (relation.kind !== 'reports_to') continue;
    bossesOf.set(relation.fromContactId, [...(bossesOf.get(relation.fromContactId) ?? []), relation.toContactId]);
  }
  const seen = new Set<string>();
  const pending = [to];
  while (pending.length > 0) {
    const contact = pending.pop()!;
    if (contact === from) return true;
    if (seen.has(contact)) continue;
    seen.add(contact);
    pending.push(...(bossesOf.get(contact) ?? []));
  }
  return false;
}

export function sameRelation(a: Pick<ContactRelation, 'kind' | 'label'>, b: Pick<ContactRelation, 'kind' | 'label'>): boolean {
  return a.kind === b.kind && a.label === b.label;
}
