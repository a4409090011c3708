/**
 * Hangup causes that matter to an outbound dialer: FreeSWITCH's cause name (what ESL reports in
 * `Hangup-Cause` and what a `-ERR <CAUSE>` job result carries), the Q.850 code it reports
 * (`variable_hangup_cause_q850`) and the class of outcome the dialer acts on.
 *
 * Branch on the name, never on the code: FreeSWITCH-internal causes (code > 127 in its own
 * enum, e.g. ORIGINATOR_CANCEL, INVALID_GATEWAY) all report Q.850 16, like NORMAL_CLEARING.
 */

/** What the dialer does with a cause. */
export type OutcomeClass =
  /** the call ended normally (after an answer, or hung up by us) */
  | 'normal'
  /** the line was busy: retry later */
  | 'busy'
  /** it rang out or the callee did not respond: retry later */
  | 'noAnswer'
  /** the number does not exist or cannot be routed: do not retry it */
  | 'invalid'
  /** the callee or its network refused the call */
  | 'rejected'
  /** our gateway, carrier or switch failed: not the number's fault, back off and retry */
  | 'failed';

export interface Q850Cause {
  name: string;
  code: number;
  outcome: OutcomeClass;
  /** A FreeSWITCH-internal cause (reported as Q.850 16). */
  internal?: true;
}

const table = [
  { name: 'UNALLOCATED_NUMBER', code: 1, outcome: 'invalid' },
  { name: 'NO_ROUTE_TRANSIT_NET', code: 2, outcome: 'invalid' },
  { name: 'NO_ROUTE_DESTINATION', code: 3, outcome: 'invalid' },
  { name: 'NORMAL_CLEARING', code: 16, outcome: 'normal' },
  { name: 'USER_BUSY', code: 17, outcome: 'busy' },
  { name: 'NO_USER_RESPONSE', code: 18, outcome: 'noAnswer' },
  { name: 'NO_ANSWER', code: 19, outcome: 'noAnswer' },
  { name: 'SUBSCRIBER_ABSENT', code: 20, outcome: 'noAnswer' },
  { name: 'CALL_REJECTED', code: 21, outcome: 'rejected' },
  { name: 'NUMBER_CHANGED', code: 22, outcome: 'invalid' },
  { name: 'DESTINATION_OUT_OF_ORDER', code: 27, outcome: 'failed' },
  { name: 'INVALID_NUMBER_FORMAT', code: 28, outcome: 'invalid' },
  { name: 'NORMAL_UNSPECIFIED', code: 31, outcome: 'normal' },
  { name: 'NORMAL_CIRCUIT_CONGESTION', code: 34, outcome: 'failed' },
  { name: 'NETWORK_OUT_OF_ORDER', code: 38, outcome: 'failed' },
  { name: 'NORMAL_TEMPORARY_FAILURE', code: 41, outcome: 'failed' },
  { name: 'SWITCH_CONGESTION', code: 42, outcome: 'failed' },
  { name: 'REQUESTED_CHAN_UNAVAIL', code: 44, outcome: 'failed' },
  { name: 'INCOMPATIBLE_DESTINATION', code: 88, outcome: 'failed' },
  { name: 'RECOVERY_ON_TIMER_EXPIRE', code: 102, outcome: 'failed' },
  { name: 'ORIGINATOR_CANCEL', code: 16, outcome: 'normal', internal: true },
  { name: 'USER_NOT_REGISTERED', code: 16, outcome: 'failed', internal: true },
  { name: 'INVALID_GATEWAY', code: 16, outcome: 'failed', internal: true },
  { name: 'GATEWAY_DOWN', code: 16, outcome: 'failed', internal: true },
  { name: 'SYSTEM_SHUTDOWN', code: 16, outcome: 'failed', internal: true },
  { name: 'MANAGER_REQUEST', code: 16, outcome: 'normal', internal: true },
] as const satisfies readonly Q850Cause[];

/** A cause name this table knows. Adapters may still report others (see `causeOf`). */
export type CauseName = (typeof table)[number]['name'];

export const Q850: Readonly<Record<CauseName, Q850Cause>> = Object.fromEntries(table.map((c) => [c.name, c])) as Record<
  CauseName,
  Q850Cause
>;

/** The entry for a cause name; an unknown name is kept, classed as a failure with its code if given. */
export function causeOf(name: string, code?: number): Q850Cause {
  const known = (Q850 as Record<string, Q850Cause | undefined>)[name];
  return known ?? { name, code: code ?? 16, outcome: 'failed' };
}

export function isCauseName(name: string): name is CauseName {
  return Object.hasOwn(Q850, name);
}
