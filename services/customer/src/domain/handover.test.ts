import { AppError } from '@liaison/runtime';
import { checkHandover, distribute, successorResults, type HandoverCommand } from './handover';

const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const command = (extra: Partial<HandoverCommand> = {}): HandoverCommand => ({
  requestId: '',
  fromUserId: 'leaver',
  successors: [
    { userId: 'a', unit: '/Sales/East' },
    { userId: 'b', unit: '/Sales/East' },
  ],
  customerIds: [],
  distribution: 'even',
  assignments: [],
  rewriteCreator: false,
  reason: '离职',
  ...extra,
});
const violationsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as AppError).violations.map((v) => v.field);
  }
  throw new Error('expected a refusal');
};

describe('distribute', () => {
  it('deals customers round-robin in creation order, owned and followed separately', () => {
    const candidates = [
      { id: 'c3', seq: 3n, owned: true },
      { id: 'c1', seq: 1n, owned: true },
      { id: 'f1', seq: 2n, owned: false },
      { id: 'c4', seq: 4n, owned: true },
      { id: 'f2', seq: 5n, owned: false },
    ];
    const moves = distribute(candidates, 2);
    expect(moves.map((m) => [m.customerId, m.successor])).toEqual([
      ['c1', 0],
      ['f1', 0],
      ['c3', 1],
      ['c4', 0],
      ['f2', 1],
    ]);
    expect(
      successorResults(
        [
          { userId: 'a', unit: '/S' },
          { userId: 'b', unit: '/S' },
        ],
        moves,
      ),
    ).toEqual([
      { userId: 'a', unit: '/S', customerCount: 2, followedCount: 1 },
      { userId: 'b', unit: '/S', customerCount: 1, followedCount: 1 },
    ]);
  });

  it('is stable: the same customers give the same split whatever order they were locked in', () => {
    const candidates = Array.from({ length: 7 }, (_, i) => ({ id: `c${i}`, seq: BigInt(i), owned: true }));
    const a = distribute(candidates, 3);
    const b = distribute([...candidates].reverse(), 3);
    expect(b).toEqual(a);
    expect(
      successorResults(
        [
          { userId: 'x', unit: '/S' },
          { userId: 'y', unit: '/S' },
          { userId: 'z', unit: '/S' },
        ],
        a,
      ).map((r) => r.customerCount),
    ).toEqual([3, 2, 2]);
  });

  it('follows an explicit mapping', () => {
    const moves = distribute(
      [
        { id: 'c1', seq: 1n, owned: true },
        { id: 'c2', seq: 2n, owned: true },
      ],
      2,
      new Map([
        ['c1', 1],
        ['c2', 1],
      ]),
    );
    expect(moves.map((m) => m.successor)).toEqual([1, 1]);
  });
});

describe('checkHandover', () => {
  it('accepts a handover of everything to several successors', () => {
    expect(checkHandover(command())).toMatchObject({ fromUserId: 'leaver', customerIds: [], distribution: 'even', requestId: null });
  });

  it('refuses the leaving employee as successor, repeated successors, bad units and no reason', () => {
    const fields = violationsOf(() =>
      checkHandover(
        command({
          successors: [
            { userId: 'leaver', unit: '/Sales/East' },
            { userId: 'a', unit: '/Sales/East' },
            { userId: 'a', unit: '/Sales/East' },
            { userId: 'b', unit: 'East' },
          ],
          reason: '  ',
        }),
      ),
    );
    expect(fields).toEqual(['successors[0].user_id', 'successors[2].user_id', 'successors[3].unit', 'reason']);
    expect(violationsOf(() => checkHandover(command({ successors: [] })))).toEqual(['successors']);
    expect(violationsOf(() => checkHandover(command({ fromUserId: '' })))).toEqual(['from_user_id']);
  });

  it('needs a complete mapping of the selected customers to known successors', () => {
    const fields = violationsOf(() =>
      checkHandover(
        command({
          customerIds: [ID(1), ID(2)],
          distribution: 'mapping',
          assignments: [
            { customerId: ID(1), successorId: 'nobody' },
            { customerId: ID(3), successorId: 'a' },
          ],
        }),
      ),
    );
    expect(fields).toEqual(['assignments[0].successor_id', 'assignments[1].customer_id', 'customer_ids[1]']);
    expect(violationsOf(() => checkHandover(command({ distribution: 'mapping' })))).toEqual(['distribution']);
    expect(violationsOf(() => checkHandover(command({ customerIds: [ID(1), ID(1).toUpperCase(), 'x'] })))).toEqual([
      'customer_ids[1]',
      'customer_ids[2]',
    ]);
  });
});
