import { z } from 'zod';
import { withPermission } from '../modules/auth/guard.server';
import { DELIMITERS, ENCODINGS } from '../modules/lists/file-settings';
import { ImportError, previewImport, receiveUpload, uploadPath } from '../modules/lists/imports.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

// Step one of an import: the file arrives as the raw request body (streamed to disk), and the
// answer is the mapping preview: headers, suggested mapping, first rows with their problems.
// With `token` instead of a body, the uploaded file is read again with the page's overrides
// (another sheet, encoding or delimiter).
export type UploadResult =
  | { ok: true; token: string; fileName: string; preview: Awaited<ReturnType<typeof previewImport>> }
  | { ok: false; error: string };

const Reread = z.object({
  token: z.string().max(300),
  encoding: z.enum(ENCODINGS).optional(),
  delimiter: z.enum(DELIMITERS).optional(),
  sheet: z
    .string()
    .regex(/^\d{1,3}$/)
    .optional(),
});

export const action = withPermission('lists.import', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const query = new URL(request.url).searchParams;
  const fileName = query.get('fileName') ?? 'upload.csv';
  try {
    if (query.has('token')) {
      const reread = Reread.safeParse(Object.fromEntries(query));
      if (!reread.success) throw new ImportError('request.invalid');
      const { token, ...options } = reread.data;
      const preview = await previewImport(project.id, uploadPath(token), options);
      return Response.json({ ok: true, token, fileName, preview } satisfies UploadResult);
    }
    const token = await receiveUpload(request.body, fileName);
    const preview = await previewImport(project.id, uploadPath(token));
    return Response.json({ ok: true, token, fileName, preview } satisfies UploadResult);
  } catch (error) {
    const code = error instanceof ImportError ? error.code : 'upload.unreadable';
    return Response.json({ ok: false, error: code } satisfies UploadResult, { status: 400 });
  }
});
