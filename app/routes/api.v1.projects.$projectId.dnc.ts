import { z } from 'zod';
import { withApiKey } from '../modules/auth/api-guard.server';
import { addToDnc } from '../modules/lists/dnc.server';

// Numbers, or tokens for contacts the system sent without their number (with its own hash of the
// number when it has one — the same `phoneToken` / `phoneHash` it pushed the contact with).
const Token = z.object({
  phoneToken: z.string().trim().min(1).max(200),
  phoneHash: z.string().trim().min(1).max(200).optional(),
});
const Body = z
  .object({
    phones: z.array(z.string().max(40)).max(10_000).default([]),
    tokens: z.array(Token).max(10_000).default([]),
    note: z.string().max(200).optional(),
  })
  .refine((b) => b.phones.length + b.tokens.length > 0 && b.phones.length + b.tokens.length <= 10_000);

// POST /api/v1/projects/{projectId}/dnc — a business system records opt-outs for this project.
// The answer comes only after the entries are committed (an acknowledged opt-out is never lost).
export const action = withApiKey('dnc.write', async ({ request, projectId, keyId }) => {
  const parsed = Body.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    return Response.json(
      {
        error: 'invalid_body',
        message: 'Send {"phones": ["…"]} and/or {"tokens": [{"phoneToken": "…", "phoneHash": "…"}]}: 1 to 10000 in all.',
      },
      { status: 400 },
    );
  }
  const { phones, tokens, note } = parsed.data;
  const result = await addToDnc(
    { name: `api:${keyId}` },
    projectId,
    phones,
    'api',
    note,
    tokens.map((t) => ({ token: t.phoneToken, ...(t.phoneHash ? { systemHash: t.phoneHash } : {}) })),
  );
  return Response.json(result);
});
