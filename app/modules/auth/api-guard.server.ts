import type { ActionFunctionArgs, LoaderFunctionArgs } from '@remix-run/node';
import { type ApiScope, checkApiKey } from '../lists/api-keys.server';

type Args = LoaderFunctionArgs | ActionFunctionArgs;

/**
 * Guard for `/api/v1` routes used by business systems: a project API key with the scope, sent as
 * `Authorization: Bearer wh_…`. Marked like `withPermission`, so the route test covers these too.
 */
export function withApiKey<R>(
  scope: ApiScope,
  handler: (args: Args & { projectId: string; keyId: string }) => Promise<R>,
): ((args: Args) => Promise<R | Response>) & { permission: { apiKey: ApiScope } } {
  const guarded = async (args: Args) => {
    const projectId = args.params.projectId ?? '';
    if (!/^[0-9a-f-]{36}$/.test(projectId)) return Response.json({ error: 'not_found' }, { status: 404 });
    const check = await checkApiKey(args.request, projectId, scope);
    if (!check.ok)
      return Response.json({ error: check.error }, { status: check.status, headers: { 'WWW-Authenticate': 'Bearer' } });
    return handler({ ...args, projectId, keyId: check.keyId });
  };
  return Object.assign(guarded, { permission: { apiKey: scope } });
}
