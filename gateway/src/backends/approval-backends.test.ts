import { approvalV1 } from '@liaison/contracts';
import { compareApprovals, mergePages } from './approval-backends';

const approval = (id: string, at: string) => approvalV1.Approval.fromPartial({ id, createTime: new Date(at) });
const page = (approvals: approvalV1.Approval[], more = false) => ({ approvals, page: { nextPageToken: more ? 'more' : '' } });

describe('approvals merged across services', () => {
  it('orders newest first by create time, then by id descending, as every service does', () => {
    const sorted = [
      approval('a', '2026-01-01T10:00:00.000Z'),
      approval('c', '2026-01-01T10:00:00.000Z'),
      approval('b', '2026-01-02T10:00:00.000Z'),
    ]
      .sort(compareApprovals)
      .map((item) => item.id);
    expect(sorted).toEqual(['b', 'c', 'a']);
  });

  it('takes the first page of the merged order and continues after its last approval', () => {
    const customer = page([approval('c2', '2026-03-05T00:00:00.000Z'), approval('c1', '2026-03-01T00:00:00.000Z')]);
    const sales = page([approval('s2', '2026-03-04T00:00:00.000Z'), approval('s1', '2026-03-02T00:00:00.000Z')], true);
    const merged = mergePages([customer, sales], 3);
    expect(merged.approvals.map((item) => item.id)).toEqual(['c2', 's2', 's1']);
    expect(merged.next).toEqual({ createTime: new Date('2026-03-02T00:00:00.000Z'), id: 's1' });
  });

  it('ends the list when every service gave all it had and the page took it all', () => {
    const merged = mergePages([page([approval('c1', '2026-03-01T00:00:00.000Z')]), page([])], 5);
    expect(merged).toEqual({ approvals: [expect.objectContaining({ id: 'c1' })], next: null });
  });
});
