import { withApiKey } from '../modules/auth/api-guard.server';
import { ApiBatchSchema, importFromApi, MAX_API_BATCH, MAX_API_BODY_BYTES } from '../modules/lists/api-import.server';

// POST /api/v1/projects/{projectId}/contacts — push up to 10 000 contacts; see /api/v1/openapi.json.
export const action = withApiKey('contacts.write', async ({ request, projectId, keyId }) => {
  if (request.method !== 'POST')
    return Response.json({ error: 'method_not_allowed' }, { status: 405, headers: { Allow: 'POST' } });
  if (Number(request.headers.get('content-length') ?? 0) > MAX_API_BODY_BYTES)
    return Response.json(
      { error: 'body_too_large', message: `Send at most ${MAX_API_BODY_BYTES} bytes per request.` },
      { status: 413 },
    );
  const body = await request.json().catch(() => undefined);
  const parsed = ApiBatchSchema.safeParse(body);
  if (!parsed.success) {
    return Response.json(
      {
        error: 'invalid_body',
        message: `Send {"contacts": [...]} with 1 to ${MAX_API_BATCH} items.`,
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
      { status: 400 },
    );
  }
  return Response.json(await importFromApi(projectId, keyId, parsed.data.contacts));
});
