// Duplicate candidates and how sure we are. The matching itself happens in the database on
// normalised keys (migration 0080: liaison_name_key, liaison_phone_key, lower(email)); here
// each agreeing key is weighed as independent evidence: score = 1 - Π(1 - weight).

export type DuplicateReason = 'name' | 'phone' | 'email';

export const DUPLICATE_REASONS: readonly DuplicateReason[] = ['name', 'phone', 'email'];

// A shared phone or e-mail is often a switchboard or a group mailbox; the same legal name
// (after folding the legal form) is the stronger hint.
const WEIGHTS: Record<DuplicateReason, number> = { name: 0.6, phone: 0.5, email: 0.5 };

/** 1..100; 0 only for no reason at all. */
export function duplicateScore(reasons: readonly DuplicateReason[]): number {
  const unique = [...new Set(reasons)];
  const doubt = unique.reduce((remaining, reason) => remaining * (1 - WEIGHTS[reason]), 1);
  return Math.round((1 - doubt) * 100);
}

/** In the fixed order name, phone, email, each once. */
export function orderedReasons(reasons: readonly DuplicateReason[]): DuplicateReason[] {
  return DUPLICATE_REASONS.filter((reason) => reasons.includes(reason));
}

export interface Candidate {
  id: string;
  /** Creation order: among equal scores the newer candidate comes first. */
  seq: number;
  reasons: DuplicateReason[];
}

export interface RankedCandidate extends Candidate {
  score: number;
}

/** Best score first, newest first among equals. */
export function rankCandidates(candidates: readonly Candidate[]): RankedCandidate[] {
  return candidates
    .map((candidate) => ({ ...candidate, reasons: orderedReasons(candidate.reasons), score: duplicateScore(candidate.reasons) }))
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score || b.seq - a.seq);
}
