import { z } from 'zod';
import { withApiKey } from '../modules/auth/api-guard.server';
import { addToDnc } from '../modules/lists/dnc.server';

const Body = z.object({ phones: z.array(z.string().max(40)).min(1).max(10_000), note: z.string().max(200).optional() });

// POST /api/v1/projects/{projectId}/dnc — a business system records opt-outs for this project.
// The answer comes only after the entries are committed (an acknowledged opt-out is never lost).
export const action = withApiKey('dnc.write', async ({ request, projectId, keyId }) => {
  const parsed = Body.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    return Response.json({ error: 'invalid_body', message: 'Send {"phones": ["…"]} with 1 to 10000 numbers.' }, { status: 400 });
  }
  const result = await addToDnc({ name: `api:${keyId}` }, projectId, parsed.data.phones, 'api', parsed.data.note);
  return Response.json(result);
});
