import { redirect } from '@remix-run/node';
import { withPermission } from '../modules/auth/guard.server';
import { homePath } from '../modules/auth/permissions';

export const loader = withPermission('signedIn', ({ user }) => redirect(homePath(user.role)));
