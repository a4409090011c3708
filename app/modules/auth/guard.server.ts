import { type ActionFunctionArgs, json, type LoaderFunctionArgs, redirect } from '@remix-run/node';
import { can, type RouteAccess } from './permissions';
import { getSessionUser, type SessionUser } from './session.server';

type Args = LoaderFunctionArgs | ActionFunctionArgs;
type Resolve = RouteAccess | ((args: Args) => RouteAccess | null);

export type GuardedArgs<U> = Args & { user: U };

/** Marks a loader/action with what it requires; the route-permission test reads this. */
export type Guarded<F> = F & { permission: Resolve };

function decide(resolve: Resolve, args: Args): RouteAccess {
  const access = typeof resolve === 'function' ? resolve(args) : resolve;
  if (access === null) throw json({ error: 'not_found' }, { status: 404 });
  return access;
}

async function check(access: RouteAccess, args: Args): Promise<SessionUser | null> {
  const user = await getSessionUser(args.request);
  if (access === 'public') return user;
  if (!user) {
    const url = new URL(args.request.url);
    if (url.pathname.startsWith('/api/')) throw json({ error: 'unauthenticated' }, { status: 401 });
    throw redirect(`/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (!can(user.role, access)) throw json({ error: 'forbidden', permission: access }, { status: 403 });
  return user;
}

/**
 * Wrap every route loader and action: `export const loader = withPermission('users.manage', ...)`.
 * The handler receives the signed-in user; 'public' handlers receive the user or null.
 */
export function withPermission<R>(
  access: 'public',
  handler: (args: GuardedArgs<SessionUser | null>) => Promise<R> | R,
): Guarded<(args: Args) => Promise<R>>;
export function withPermission<R>(
  access: Exclude<RouteAccess, 'public'> | ((args: Args) => RouteAccess | null),
  handler: (args: GuardedArgs<SessionUser>) => Promise<R> | R,
): Guarded<(args: Args) => Promise<R>>;
export function withPermission<R>(
  access: Resolve,
  handler: (args: GuardedArgs<never>) => Promise<R> | R,
): Guarded<(args: Args) => Promise<R>> {
  const guarded = async (args: Args) => {
    const user = await check(decide(access, args), args);
    return handler({ ...args, user } as GuardedArgs<never>);
  };
  return Object.assign(guarded, { permission: access });
}
