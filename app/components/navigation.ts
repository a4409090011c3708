import type { Permission, Role } from '../modules/auth/permissions';
import { can } from '../modules/auth/permissions';

export interface NavItem {
  key: string;
  path: string;
  permission: Permission;
  /** Modules still to be built show an honest empty state at their path. */
  built: boolean;
  children?: NavItem[];
}

// The side navigation: the ten modules of the design, plus the agent's workstation and audit.
export const NAVIGATION: NavItem[] = [
  { key: 'workstation', path: '/agent', permission: 'workstation.use', built: true },
  { key: 'dashboard', path: '/dashboard', permission: 'dashboard.view', built: true },
  { key: 'projects', path: '/projects', permission: 'projects.view', built: true },
  { key: 'lists', path: '/lists', permission: 'lists.view', built: true },
  { key: 'tasks', path: '/tasks', permission: 'tasks.view', built: true },
  { key: 'questionnaires', path: '/questionnaires', permission: 'questionnaires.view', built: true },
  { key: 'dialing', path: '/dialing', permission: 'dialing.view', built: true },
  { key: 'wrapup', path: '/wrapup', permission: 'wrapup.view', built: true },
  {
    key: 'monitoring',
    path: '/monitoring',
    permission: 'monitoring.view',
    built: true,
    children: [
      { key: 'alerts', path: '/monitoring/alerts', permission: 'monitoring.view', built: true },
      { key: 'alertRules', path: '/monitoring/rules', permission: 'monitoring.view', built: true },
    ],
  },
  { key: 'performance', path: '/performance', permission: 'performance.view', built: true },
  { key: 'reports', path: '/reports', permission: 'reports.view', built: true },
  {
    key: 'config',
    path: '/config',
    permission: 'config.view',
    built: true,
    children: [
      { key: 'users', path: '/config/users', permission: 'users.manage', built: true },
      { key: 'skills', path: '/config/skills', permission: 'projects.manage', built: true },
      { key: 'pauseReasons', path: '/config/pause-reasons', permission: 'tasks.manage', built: true },
      { key: 'softphones', path: '/config/softphones', permission: 'users.manage', built: true },
      { key: 'plugins', path: '/config/plugins', permission: 'plugins.manage', built: true },
      { key: 'switch', path: '/config/switch', permission: 'plugins.manage', built: true },
      { key: 'rules', path: '/config/rules', permission: 'rules.test', built: true },
      { key: 'health', path: '/config/health', permission: 'system.health', built: true },
    ],
  },
  { key: 'audit', path: '/audit', permission: 'audit.view', built: true },
];

/** The navigation a role sees: items it may open, and parents only with a visible child or their own right. */
export function navigationFor(role: Role, items: NavItem[] = NAVIGATION): NavItem[] {
  return items.flatMap((item) => {
    const children = item.children ? navigationFor(role, item.children) : undefined;
    if (!can(role, item.permission) && !children?.length) return [];
    return [{ ...item, ...(children ? { children } : {}) }];
  });
}

/** Top-level modules not built yet, by path segment (for the "not available yet" page). */
export function unbuiltModule(segment: string): NavItem | undefined {
  return NAVIGATION.find((item) => !item.built && item.path === `/${segment}`);
}
