import { landlineAreaCode, type PoolNumber } from '../../plugins/sdk';

/**
 * The caller ID for one call among the numbers still under their daily cap: numbers bound to another
 * trunk are skipped (unless nothing else is left), numbers in the callee's area code come first
 * (local calls are answered more often), and the dialer's turn rotates within that group.
 */
export function callerIdFor(
  numbers: readonly string[],
  pool: readonly PoolNumber[] | undefined,
  trunk: string,
  to: string,
  turn: number,
): string | undefined {
  const byNumber = new Map((pool ?? []).map((p) => [p.number, p]));
  const onTrunk = numbers.filter((n) => {
    const bound = byNumber.get(n)?.trunkId;
    return !bound || bound === trunk;
  });
  const usable = onTrunk.length ? onTrunk : numbers;
  const area = landlineAreaCode(to);
  const local = area ? usable.filter((n) => byNumber.get(n)?.areaCode === area) : [];
  const from = local.length ? local : usable;
  return from[turn % from.length];
}
