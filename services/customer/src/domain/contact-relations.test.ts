import { AppError } from '@liaison/runtime';
import { checkRelationInput, closesReportingCycle, type RelationKind } from './contact-relations';

const edge = (fromContactId: string, toContactId: string, kind: RelationKind = 'reports_to') => ({ fromContactId, toContactId, kind });

describe('reporting cycles', () => {
  // 张 reports to 李, 李 reports to 王 (the boss); 赵 influences 王.
  const relations = [edge('张', '李'), edge('李', '王'), edge('赵', '王', 'influences')];

  it('refuses a boss reporting to someone below them, directly or through others', () => {
    expect(closesReportingCycle(relations, '李', '张')).toBe(true);
    expect(closesReportingCycle(relations, '王', '张')).toBe(true);
  });

  it('allows new bosses, dotted lines and relations across branches', () => {
    expect(closesReportingCycle(relations, '王', '赵')).toBe(false);
    expect(closesReportingCycle(relations, '张', '王')).toBe(false);
    expect(closesReportingCycle([...relations, edge('张', '赵')], '赵', '李')).toBe(false);
  });

  it('ignores relations that are not reporting lines', () => {
    expect(closesReportingCycle([edge('王', '赵', 'influences')], '赵', '王')).toBe(false);
  });

  it('terminates on data that already holds a cycle', () => {
    expect(closesReportingCycle([edge('a', 'b'), edge('b', 'a')], 'c', 'a')).toBe(false);
  });
});

describe('relation input', () => {
  it('refuses self-relations and long labels', () => {
    expect(() => checkRelationInput('a', 'a', null)).toThrow(AppError);
    expect(() => checkRelationInput('a', 'b', '老'.repeat(51))).toThrow(AppError);
    expect(() => checkRelationInput('a', 'b', '老'.repeat(50))).not.toThrow();
  });
});
