import { duplicateScore, orderedReasons, rankCandidates } from './merge-duplicates';

describe('duplicate scores', () => {
  it('weighs one reason less than two and two less than three', () => {
    expect(duplicateScore([])).toBe(0);
    expect(duplicateScore(['phone'])).toBe(50);
    expect(duplicateScore(['name'])).toBe(60);
    expect(duplicateScore(['phone', 'email'])).toBe(75);
    expect(duplicateScore(['name', 'phone'])).toBe(80);
    expect(duplicateScore(['name', 'phone', 'email'])).toBe(90);
  });

  it('counts a repeated reason once', () => {
    expect(duplicateScore(['name', 'name'])).toBe(duplicateScore(['name']));
  });

  it('orders reasons name, phone, email whatever order they arrive in', () => {
    expect(orderedReasons(['email', 'name', 'email'])).toEqual(['name', 'email']);
  });

  it('ranks candidates by score, the newer one first among equals', () => {
    const ranked = rankCandidates([
      { id: 'old-phone', seq: 1, reasons: ['phone'] },
      { id: 'all', seq: 2, reasons: ['email', 'phone', 'name'] },
      { id: 'new-phone', seq: 3, reasons: ['phone'] },
      { id: 'nothing', seq: 4, reasons: [] },
    ]);
    expect(ranked.map((candidate) => [candidate.id, candidate.score])).toEqual([
      ['all', 90],
      ['new-phone', 50],
      ['old-phone', 50],
    ]);
    expect(ranked[0].reasons).toEqual(['name', 'phone', 'email']);
  });
});
