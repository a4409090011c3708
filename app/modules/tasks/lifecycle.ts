// A task's lifecycle: draft → running ⇄ paused → completed / stopped. Pure, shared by server and UI.

export const TASK_STATUSES = ['draft', 'running', 'paused', 'completed', 'stopped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const TASK_ACTIONS = ['start', 'pause', 'resume', 'complete', 'stop', 'restart'] as const;
export type TaskAction = (typeof TASK_ACTIONS)[number];

const TRANSITIONS: Record<TaskAction, { from: TaskStatus[]; to: TaskStatus }> = {
  start: { from: ['draft'], to: 'running' },
  pause: { from: ['running'], to: 'paused' },
  resume: { from: ['paused'], to: 'running' },
  complete: { from: ['running', 'paused'], to: 'completed' },
  stop: { from: ['draft', 'running', 'paused'], to: 'stopped' },
  // A finished task runs again with the project's current rules version.
  restart: { from: ['completed', 'stopped'], to: 'running' },
};

export function nextStatus(from: TaskStatus, action: TaskAction): TaskStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(from) ? t.to : null;
}

export function allowedActions(from: TaskStatus): TaskAction[] {
  return TASK_ACTIONS.filter((a) => TRANSITIONS[a].from.includes(from));
}

/** Pausing and stopping need a reason (shown on the task and in the audit log). */
export function needsReason(action: TaskAction): boolean {
  return action === 'pause' || action === 'stop';
}

/** Actions that (re)pin the project's current rules version. */
export function pinsRules(action: TaskAction): boolean {
  return action === 'start' || action === 'restart';
}

/** Settings may change while a task is not running. */
export function editable(status: TaskStatus): boolean {
  return status === 'draft' || status === 'paused' || status === 'stopped' || status === 'completed';
}
