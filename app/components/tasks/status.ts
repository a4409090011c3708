import type { TaskStatus } from '../../modules/tasks/lifecycle';

/** Tag colours of task statuses, the same in the list and on the task page. */
export const STATUS_COLOR: Record<TaskStatus, string> = {
  draft: 'default',
  running: 'green',
  paused: 'orange',
  completed: 'blue',
  stopped: 'red',
};
