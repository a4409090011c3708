import { isCallable, nextCallableAt } from '../projects/calling-hours';
import { type AttemptRecord, decideCase } from '../projects/closing-rules';
import type { ProjectRules } from '../projects/project-schema';

// The compliance gate's decision, pure: every dial mode (predictive, progressive, preview, manual,
// robot) asks it before a launch, so the rules live in one place. The server side gathers the
// facts and claims the contact (gate.server.ts).

export const REFUSALS = [
  'taskNotRunning',
  'notInSelection',
  'closed',
  'deleted',
  'dnc',
  'noConsent',
  'outsideHours',
  'attemptLimit',
  'retryWait',
  'abandonCooldown',
  'activeAttempt',
  'noNumber',
  'trunkFull',
  'callerIdCap',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export interface GateFacts {
  now: Date;
  rules: ProjectRules;
  taskRunning: boolean;
  inSelection: boolean;
  contact: {
    status: 'open' | 'closed';
    deleted: boolean;
    /** The contact's flag or a DNC list entry for its number (global or this project). */
    dnc: boolean;
    consent: string | null;
    timeZone: string | null;
    hasNumber: boolean;
    /** Attempts so far, oldest first, with their outcome class or call result. */
    history: AttemptRecord[];
    /** A callback or retry time set by a wrap-up, if any. */
    nextAttemptAt: Date | null;
    lastAbandonAt: Date | null;
  };
  /** Another attempt for this contact is in flight anywhere (the database has the last word). */
  activeAttempt: boolean;
  /** Abandon cooldown (UK rule): hours without a new call after an abandon; 0 = off. */
  abandonCooldownHours: number;
  /** An agent is waiting for this very call (preview, manual, callback): the cooldown does not apply. */
  agentReserved?: boolean;
}

export type GateDecision = { ok: true } | { ok: false; reason: Refusal; until?: Date | null };

/** Checks in the order a supervisor would explain them; the first failing rule is the reason. */
export function checkGate(f: GateFacts): GateDecision {
  const { contact, rules, now } = f;
  if (!f.taskRunning) return { ok: false, reason: 'taskNotRunning' };
  if (contact.deleted) return { ok: false, reason: 'deleted' };
  if (contact.status === 'closed') return { ok: false, reason: 'closed' };
  if (!f.inSelection) return { ok: false, reason: 'notInSelection' };
  if (contact.dnc) return { ok: false, reason: 'dnc' };
  if (rules.requireConsent && contact.consent !== 'granted') return { ok: false, reason: 'noConsent' };
  if (!contact.hasNumber) return { ok: false, reason: 'noNumber' };
  if (contact.history.length) {
    const decision = decideCase(rules.closingRule, rules.retryPolicy, contact.history);
    if (decision.close) return { ok: false, reason: 'attemptLimit' };
  }
  const due = contact.nextAttemptAt ?? retryDue(f);
  if (due && due > now) return { ok: false, reason: 'retryWait', until: due };
  if (f.abandonCooldownHours > 0 && contact.lastAbandonAt && !f.agentReserved) {
    const until = new Date(contact.lastAbandonAt.getTime() + f.abandonCooldownHours * 3_600_000);
    if (until > now) return { ok: false, reason: 'abandonCooldown', until };
  }
  if (!isCallable(now, contact.timeZone, rules.callingHours)) {
    return { ok: false, reason: 'outsideHours', until: nextCallableAt(now, contact.timeZone, rules.callingHours) };
  }
  if (f.activeAttempt) return { ok: false, reason: 'activeAttempt' };
  return { ok: true };
}

/** When the retry policy lets the next attempt happen after the last one's result. */
function retryDue(f: GateFacts): Date | null {
  const last = f.contact.history.at(-1);
  if (!last) return null;
  const decision = decideCase(f.rules.closingRule, f.rules.retryPolicy, f.contact.history);
  return decision.close ? null : decision.nextAttemptAt;
}
