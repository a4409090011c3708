import { withPermission } from '../modules/auth/guard.server';
import { ImportError, previewImport, receiveUpload, uploadPath } from '../modules/lists/imports.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';

// Step one of an import: the file arrives as the raw request body (streamed to disk), and the
// answer is the mapping preview: headers, suggested mapping, first rows with their problems.
export type UploadResult =
  | { ok: true; token: string; fileName: string; preview: Awaited<ReturnType<typeof previewImport>> }
  | { ok: false; error: string };

export const action = withPermission('lists.import', async ({ request, params }) => {
  const project = await projectOrNotFound(params.projectId);
  const fileName = new URL(request.url).searchParams.get('fileName') ?? 'upload.csv';
  try {
    const token = await receiveUpload(request.body, fileName);
    const preview = await previewImport(project.id, uploadPath(token));
    return Response.json({ ok: true, token, fileName, preview } satisfies UploadResult);
  } catch (error) {
    const code = error instanceof ImportError ? error.code : 'upload.unreadable';
    return Response.json({ ok: false, error: code } satisfies UploadResult, { status: 400 });
  }
});
