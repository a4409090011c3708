import { withApiKey } from '../modules/auth/api-guard.server';
import { ClickToCallSchema, clickToCall } from '../modules/workstation/click-to-call.server';

// POST /api/v1/projects/{projectId}/calls — click-to-call: a business system connects a named agent
// to a contact (or, with the calls.number scope, a number) through the compliance gate.
export const action = withApiKey('calls.create', async ({ request, projectId, keyId }) => {
  const parsed = ClickToCallSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success)
    return Response.json(
      {
        error: 'invalid_body',
        message: 'Send {"agent": "<login>", and one of "contactId", "externalId", "phone"; optional "taskId", "webhookUrl"}.',
        issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      },
      { status: 400 },
    );
  const answer = await clickToCall(projectId, keyId, parsed.data);
  return Response.json(answer.body, { status: answer.status });
});
