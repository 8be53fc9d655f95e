import { AppError } from '@liaison/runtime';
import {
  changedFollowUpFields,
  checkEditable,
  EDIT_WINDOW_MS,
  validateComment,
  validateFollowUp,
  type FollowUp,
  type FollowUpFields,
} from './followup';

const NOW = new Date('2025-03-10T04:00:00Z'); // 12:00 in China
const valid: FollowUpFields = {
  contactId: null,
  method: 'visit',
  content: '上门拜访王总，确认了二期采购意向。\n下周报价。',
  occurredAt: new Date('2025-03-10T02:00:00Z'),
  nextFollowUpDate: '2025-03-17',
  reminder: 'key',
};

function violationsOf(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error.violations.map((v) => v.field);
    throw error;
  }
  return [];
}

const record = (overrides: Partial<FollowUp> = {}): FollowUp => ({
  ...valid,
  id: 'f',
  customerId: 'c',
  authorId: 'rep-1',
  annotations: [],
  createdAt: new Date(NOW.getTime() - 60_000),
  updatedAt: NOW,
  ...overrides,
});

describe('follow-up rules', () => {
  it('accepts a Chinese note with line breaks, a past occurrence and a future reminder date', () => {
    expect(violationsOf(() => validateFollowUp(valid, NOW))).toEqual([]);
    expect(violationsOf(() => validateFollowUp({ ...valid, nextFollowUpDate: '2025-03-10', reminder: 'normal' }, NOW))).toEqual([]);
  });

  it('counts characters, not bytes or UTF-16 units, up to 5000', () => {
    expect(violationsOf(() => validateFollowUp({ ...valid, content: '访'.repeat(5000) }, NOW))).toEqual([]);
    expect(violationsOf(() => validateFollowUp({ ...valid, content: '𠀀'.repeat(5000) }, NOW))).toEqual([]);
    expect(violationsOf(() => validateFollowUp({ ...valid, content: '访'.repeat(5001) }, NOW))).toEqual(['content']);
    expect(violationsOf(() => validateFollowUp({ ...valid, content: '' }, NOW))).toEqual(['content']);
    expect(violationsOf(() => validateFollowUp({ ...valid, content: 'bell\u0007' }, NOW))).toEqual(['content']);
  });

  it('refuses a future occurrence beyond clock skew, a past next date, a reminder without a date and unknown values', () => {
    expect(violationsOf(() => validateFollowUp({ ...valid, occurredAt: new Date(NOW.getTime() + 60_000) }, NOW))).toEqual([]);
    expect(violationsOf(() => validateFollowUp({ ...valid, occurredAt: new Date(NOW.getTime() + 3_600_000) }, NOW))).toEqual([
      'occur_time',
    ]);
    expect(violationsOf(() => validateFollowUp({ ...valid, nextFollowUpDate: '2025-03-09' }, NOW))).toEqual(['next_follow_up_date']);
    expect(violationsOf(() => validateFollowUp({ ...valid, nextFollowUpDate: '2025-02-30' }, NOW))).toEqual(['next_follow_up_date']);
    expect(violationsOf(() => validateFollowUp({ ...valid, nextFollowUpDate: null, reminder: 'normal' }, NOW))).toEqual(['reminder']);
    expect(
      violationsOf(() =>
        validateFollowUp({ ...valid, method: 'fax' as FollowUpFields['method'], reminder: 'loud' as FollowUpFields['reminder'] }, NOW),
      ),
    ).toEqual(['method', 'reminder']);
  });

  it('judges "today" in China time: 23:30 UTC on the 9th is already the 10th in Beijing', () => {
    const lateEvening = new Date('2025-03-09T23:30:00Z');
    expect(
      violationsOf(() => validateFollowUp({ ...valid, occurredAt: lateEvening, nextFollowUpDate: '2025-03-09' }, lateEvening)),
    ).toEqual(['next_follow_up_date']);
  });

  it("checks the dates only when an update touches them, so an old record's text can be corrected", () => {
    const stale = { ...valid, nextFollowUpDate: '2025-03-01' };
    expect(violationsOf(() => validateFollowUp(stale, NOW, ['content']))).toEqual([]);
    expect(violationsOf(() => validateFollowUp(stale, NOW, ['reminder']))).toEqual(['next_follow_up_date']);
  });

  it('lets only the author edit, and only within 24 hours of recording', () => {
    expect(() => checkEditable(record(), 'rep-1', NOW)).not.toThrow();
    expect(() => checkEditable(record(), 'rep-2', NOW)).toThrow(
      expect.objectContaining({ code: 'permission_denied', reason: 'not_author' }),
    );
    const old = record({ createdAt: new Date(NOW.getTime() - EDIT_WINDOW_MS - 1) });
    expect(() => checkEditable(old, 'rep-1', NOW)).toThrow(
      expect.objectContaining({ code: 'failed_precondition', reason: 'edit_window_closed' }),
    );
  });

  it('names the changed fields by their mask paths', () => {
    expect(changedFollowUpFields(valid, { ...valid, content: '改了', occurredAt: new Date('2025-03-10T01:00:00Z') })).toEqual([
      'content',
      'occur_time',
    ]);
    expect(changedFollowUpFields(valid, { ...valid })).toEqual([]);
  });

  it('takes annotations of 1 to 2000 characters', () => {
    expect(violationsOf(() => validateComment('请尽快安排技术交流'))).toEqual([]);
    expect(violationsOf(() => validateComment(''))).toEqual(['comment']);
    expect(violationsOf(() => validateComment('批'.repeat(2001)))).toEqual(['comment']);
  });
});
