import { AppError, isEmailAddress, isPhoneNumber, type FieldViolation, requireUpdateMask } from '@liaison/runtime';

// A lead (线索, SAL-01) and the rules every change of one keeps: its fields, and the statuses it
// moves through.

export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'disqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

export const DISQUALIFY_REASONS = ['invalid_contact', 'no_need', 'no_budget', 'chose_competitor', 'duplicate', 'other'] as const;
export type DisqualifyReason = (typeof DISQUALIFY_REASONS)[number];

export interface LeadFields {
  contactName: string;
  companyName: string;
  phone: string;
  email: string;
  source: string;
  province: string;
  city: string;
  description: string;
}

export interface Lead extends LeadFields {
  id: string;
  status: LeadStatus;
  disqualifyReason: DisqualifyReason | null;
  statusNote: string;
  /** Null while the lead waits unassigned in its unit. */
  ownerId: string | null;
  ownerUnit: string | null;
  /** The assignment rule that gave it its owner. */
  assignedByRuleId: string | null;
  /** The web form that captured it. */
  formId: string | null;
  version: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  updatedBy: string;
}

/** The fields UpdateLead may change, by update_mask path. */
export const UPDATABLE_FIELDS: Readonly<Record<string, keyof LeadFields>> = {
  contact_name: 'contactName',
  company_name: 'companyName',
  phone: 'phone',
  email: 'email',
  source: 'source',
  province: 'province',
  city: 'city',
  description: 'description',
};

const MAX_LENGTHS: Readonly<Record<keyof LeadFields, number>> = {
  contactName: 100,
  companyName: 200,
  phone: 32,
  email: 254,
  source: 50,
  province: 50,
  city: 50,
  description: 2000,
};

const SNAKE_CASE = Object.fromEntries(Object.entries(UPDATABLE_FIELDS).map(([path, field]) => [field, path])) as Record<
  keyof LeadFields,
  string
>;
// Control characters would break exports and logs; the description may hold line breaks.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
const CONTROL_CHARS_BUT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Trims every field and checks them all, naming each bad one; returns the clean fields. */
export function checkLeadFields(input: LeadFields): LeadFields {
  const fields = Object.fromEntries(
    Object.entries(input).map(([key, value]) => [key, String(value ?? '').trim()]),
  ) as unknown as LeadFields;
  const violations: FieldViolation[] = [];
  const violate = (field: keyof LeadFields, message: string) => violations.push({ field: `lead.${SNAKE_CASE[field]}`, message });
  for (const field of Object.keys(MAX_LENGTHS) as (keyof LeadFields)[]) {
    if ([...fields[field]].length > MAX_LENGTHS[field]) violate(field, `at most ${MAX_LENGTHS[field]} characters`);
    const forbidden = field === 'description' ? CONTROL_CHARS_BUT_LINES : CONTROL_CHARS;
    if (forbidden.test(fields[field])) violate(field, 'must not contain control characters');
  }
  if (!fields.contactName) violate('contactName', 'is required');
  if (fields.phone && !isPhoneNumber(fields.phone)) violate('phone', 'must be a phone number (digits, spaces, -, (), optional leading +)');
  if (fields.email && !isEmailAddress(fields.email)) violate('email', 'must be an e-mail address');
  if (!fields.phone && !fields.email) violate('phone', 'a phone number or an e-mail address is required');
  if (violations.length > 0) throw AppError.invalid('the lead is invalid', violations);
  return fields;
}

/** The update_mask paths as lead fields; unknown or empty masks are refused. */
export function fieldsOfMask(paths: readonly string[]): (keyof LeadFields)[] {
  return requireUpdateMask(paths, UPDATABLE_FIELDS).map((path) => UPDATABLE_FIELDS[path]);
}

// Where a lead may go from each status through ChangeLeadStatus. Conversion has its own call.
const TRANSITIONS: Readonly<Record<LeadStatus, readonly LeadStatus[]>> = {
  new: ['contacted', 'qualified', 'disqualified'],
  contacted: ['qualified', 'disqualified'],
  qualified: ['contacted', 'disqualified'],
  disqualified: ['new'],
  converted: [],
};

export interface StatusChange {
  status: LeadStatus;
  disqualifyReason: DisqualifyReason | null;
  note: string;
}

const MAX_NOTE = 500;

/** Checks a requested status change against the lead's current status; returns it cleaned. */
export function checkStatusChange(current: LeadStatus, change: StatusChange): StatusChange {
  const note = change.note.trim();
  if ([...note].length > MAX_NOTE)
    throw AppError.invalid('note is too long', [{ field: 'note', message: `at most ${MAX_NOTE} characters` }]);
  if (CONTROL_CHARS_BUT_LINES.test(note))
    throw AppError.invalid('note is invalid', [{ field: 'note', message: 'must not contain control characters' }]);
  if (change.status === 'disqualified') {
    if (!change.disqualifyReason) {
      throw AppError.invalid('disqualify_reason is required', [
        { field: 'disqualify_reason', message: 'say why the lead is disqualified' },
      ]);
    }
    if (change.disqualifyReason === 'other' && !note) {
      throw AppError.invalid('note is required', [{ field: 'note', message: 'say what the other reason is' }]);
    }
  } else if (change.disqualifyReason) {
    throw AppError.invalid('disqualify_reason is only for disqualifying', [
      { field: 'disqualify_reason', message: 'leave it empty unless the status is disqualified' },
    ]);
  }
  if (change.status === 'converted') {
    throw AppError.invalid('a lead is converted by conversion', [{ field: 'status', message: 'convert the lead instead' }]);
  }
  if (!TRANSITIONS[current].includes(change.status)) {
    throw new AppError('failed_precondition', `a ${current} lead cannot become ${change.status}`, [
      { field: 'status', message: `from ${current}: ${TRANSITIONS[current].join(', ') || 'no change is possible'}` },
    ]);
  }
  return { ...change, note };
}
