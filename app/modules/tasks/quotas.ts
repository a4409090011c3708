// How many contacts each agent gets: proportional to weights, rounded by largest remainder so the
// quotas add up exactly. Pure and exhaustively tested; the SQL then hands out contiguous ranges.

export interface Weighted {
  agentId: string;
  weight: number;
}

export function quotas(total: number, agents: Weighted[]): Map<string, number> {
  const usable = agents.filter((a) => Number.isFinite(a.weight) && a.weight > 0);
  const out = new Map<string, number>(agents.map((a) => [a.agentId, 0]));
  const sum = usable.reduce((s, a) => s + a.weight, 0);
  if (total <= 0 || sum <= 0) return out;
  const exact = usable.map((a) => ({ agentId: a.agentId, value: (total * a.weight) / sum }));
  let given = 0;
  for (const e of exact) {
    const floor = Math.floor(e.value);
    out.set(e.agentId, floor);
    given += floor;
  }
  const byRemainder = [...exact].sort(
    (a, b) => b.value - Math.floor(b.value) - (a.value - Math.floor(a.value)) || (a.agentId < b.agentId ? -1 : 1),
  );
  for (let i = 0; given < total; i++, given++) {
    const e = byRemainder[i % byRemainder.length]!;
    out.set(e.agentId, out.get(e.agentId)! + 1);
  }
  return out;
}

/** Quotas as contiguous 1-based ranges [lo, hi] of row numbers, for one set-based INSERT. */
export function ranges(q: Map<string, number>): { agentId: string; lo: number; hi: number }[] {
  const out: { agentId: string; lo: number; hi: number }[] = [];
  let next = 1;
  for (const [agentId, n] of q) {
    if (n <= 0) continue;
    out.push({ agentId, lo: next, hi: next + n - 1 });
    next += n;
  }
  return out;
}
