// Numbers as people write them in a cell: no exponent (1e-7 → 0.0000001), no grouping, and the
// shortest digits that read back to the same double, so that an exported number imports as itself.
const EXPONENTIAL = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/;

export function plainNumber(value: number): string {
  const text = String(value);
  const match = EXPONENTIAL.exec(text);
  if (!match) return text;
  const [, sign, lead, fraction = '', exponentText] = match;
  const digits = lead + fraction;
  const exponent = Number(exponentText);
  // String() uses an exponent only below 1e-6 or from 1e21 on, where the digits never reach the point.
  return exponent < 0 ? `${sign}0.${'0'.repeat(-exponent - 1)}${digits}` : `${sign}${digits.padEnd(exponent + 1, '0')}`;
}
