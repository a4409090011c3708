/**
 * What a carrier's data means at dial time: number rewriting, the FreeSWITCH dial string of a trunk,
 * and the choice of a caller ID. Part of the SDK because both sides need the same code: carrier
 * plugins validate and preview their rules with it, and the dialer applies it on every call (the
 * core never imports plugin code). Pure: no Node imports, no I/O.
 */

export interface RewriteRule {
  /** A regular expression (JavaScript syntax) matched against the number. */
  match: string;
  /** The replacement; `$1`…`$9` insert the groups of `match`. */
  replace: string;
}

/** Characters a dialled number may hold once rewritten: anything else could break out of a dial string. */
const DIALLABLE = /^\+?[0-9*#]{1,32}$/;

/** Why a rule is unusable, or null. Checked when a carrier's config is saved. */
export function ruleProblem(rule: RewriteRule): string | null {
  let groups: number;
  try {
    // A regex with N groups matches the empty alternative of N+1 groups' worth of captures.
    groups = (new RegExp(`${rule.match}|`).exec('')?.length ?? 1) - 1;
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
  for (const ref of rule.replace.matchAll(/\$(\d)/g)) {
    if (Number(ref[1]) > groups) return `the replacement uses $${ref[1]} but the pattern has ${groups} group(s)`;
  }
  if (/[^0-9+*#$]/.test(rule.replace)) return 'the replacement may contain only digits, +, *, # and $1…$9';
  return null;
}

/** Applies every rule in order (each to the previous result; a rule that does not match changes nothing). */
export function rewriteNumber(number: string, rules: readonly RewriteRule[] = [], prefix = ''): string {
  let out = number;
  for (const rule of rules) out = out.replace(new RegExp(rule.match), rule.replace);
  return `${prefix}${out}`;
}

export class DialStringError extends Error {}

/**
 * `sofia/gateway/<gateway>/<number>` for a trunk: the number after the trunk's rewrite rules and prefix.
 * Throws when the result is not a plain number (so nothing a rule produced can add channel variables).
 */
export function dialString(
  trunk: { id: string; gateway?: string; dialPrefix?: string; rewrite?: readonly RewriteRule[] },
  number: string,
): string {
  const dialled = rewriteNumber(number, trunk.rewrite, trunk.dialPrefix ?? '');
  if (!DIALLABLE.test(dialled)) {
    throw new DialStringError(
      `trunk ${trunk.id} rewrites ${JSON.stringify(number)} to ${JSON.stringify(dialled)}, which is not a diallable number`,
    );
  }
  const gateway = trunk.gateway ?? trunk.id;
  if (!/^[A-Za-z0-9_.-]+$/.test(gateway))
    throw new DialStringError(`gateway name ${JSON.stringify(gateway)} is not usable in a dial string`);
  return `sofia/gateway/${gateway}/${dialled}`;
}

/**
 * The area code of a Chinese fixed-line number (`0571…` → `0571`, `010…` → `010`, `+86 21…` → `021`);
 * undefined for mobiles and foreign numbers, whose area needs a number-range table.
 */
export function landlineAreaCode(number: string): string | undefined {
  const digits = number.replace(/[\s-]/g, '');
  const national = digits.replace(/^(?:\+86|0086)/, '0');
  if (!/^0[1-9]\d{6,10}$/.test(national)) return undefined;
  return national[1] === '1' || national[1] === '2' ? national.slice(0, 3) : national.slice(0, 4);
}

export interface PoolNumber {
  number: string;
  areaCode?: string;
  dailyCap?: number;
  /** Only for calls on this trunk. */
  trunkId?: string;
}

export interface CallerIdChoice {
  /** The callee's area code (from the contact or `landlineAreaCode`), when known. */
  areaCode?: string;
  /** The trunk the call goes out on. */
  trunkId?: string;
  /** Calls placed today per caller ID. */
  usedToday: Readonly<Record<string, number>>;
}

/**
 * The caller ID for one call: numbers usable on the trunk and under their daily cap; among them the
 * callee's area code first (local numbers are answered more often), then the least used today, then
 * pool order. Null when every number has reached its cap.
 */
export function chooseCallerId(pool: readonly PoolNumber[], choice: CallerIdChoice): PoolNumber | null {
  const usable = pool.filter(
    (n) =>
      (!n.trunkId || !choice.trunkId || n.trunkId === choice.trunkId) &&
      (n.dailyCap === undefined || (choice.usedToday[n.number] ?? 0) < n.dailyCap),
  );
  const local = choice.areaCode ? usable.filter((n) => n.areaCode === choice.areaCode) : [];
  const candidates = local.length ? local : usable;
  let best: PoolNumber | null = null;
  for (const n of candidates) {
    if (!best || (choice.usedToday[n.number] ?? 0) < (choice.usedToday[best.number] ?? 0)) best = n;
  }
  return best;
}
