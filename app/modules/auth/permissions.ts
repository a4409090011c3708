// Roles and what each may do: the one place in code that says so. Routes declare the permission
// they need through `withPermission` (guard.server.ts); a test enumerates every route.

export const ROLES = ['admin', 'supervisor', 'agent', 'developer', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = [
  'dashboard.view',
  'workstation.use',
  /** Dial a typed number from the workstation (still through the compliance gate). */
  'workstation.manualDial',
  /** Take more time for a wrap-up than the project allows. */
  'workstation.extendWrapUp',
  'projects.view',
  'projects.manage',
  'lists.view',
  'lists.import',
  'lists.export',
  'dnc.manage',
  'contacts.unmask',
  'tasks.view',
  'tasks.manage',
  'questionnaires.view',
  'questionnaires.manage',
  'dialing.view',
  'dialing.manage',
  'wrapup.view',
  'wrapup.manage',
  'monitoring.view',
  'monitoring.manage',
  'performance.view',
  'performance.manage',
  'reports.view',
  'reports.export',
  'config.view',
  'rules.test',
  'plugins.manage',
  'users.manage',
  'audit.view',
  'system.health',
  'account.self',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Declarations a route may make instead of a permission: anyone, or any signed-in user. */
export type RouteAccess = Permission | 'public' | 'signedIn';

const SUPERVISOR: Permission[] = [
  'dashboard.view',
  'projects.view',
  'projects.manage',
  'lists.view',
  'lists.import',
  'lists.export',
  'dnc.manage',
  'tasks.view',
  'tasks.manage',
  'questionnaires.view',
  'questionnaires.manage',
  'dialing.view',
  'dialing.manage',
  'wrapup.view',
  'wrapup.manage',
  'monitoring.view',
  'monitoring.manage',
  'performance.view',
  'performance.manage',
  'reports.view',
  'reports.export',
  'config.view',
  'rules.test',
  'system.health',
  'account.self',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  // Admins configure everything and manage people; they do not take calls.
  admin: new Set(PERMISSIONS.filter((p) => !p.startsWith('workstation.'))),
  supervisor: new Set(SUPERVISOR),
  agent: new Set(['workstation.use', 'workstation.manualDial', 'workstation.extendWrapUp', 'performance.view', 'account.self']),
  developer: new Set(['dashboard.view', 'config.view', 'rules.test', 'plugins.manage', 'system.health', 'account.self']),
  auditor: new Set(['dashboard.view', 'audit.view', 'reports.view', 'account.self']),
};

export function can(role: Role, permission: RouteAccess): boolean {
  if (permission === 'public' || permission === 'signedIn') return true;
  return ROLE_PERMISSIONS[role].has(permission);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Where a user lands after signing in. */
export function homePath(role: Role): string {
  return role === 'agent' ? '/agent' : '/dashboard';
}
