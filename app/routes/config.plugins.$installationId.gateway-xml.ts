import { withPermission } from '../modules/auth/guard.server';
import { clientIp } from '../modules/auth/session.server';
import { gatewayFiles, InstallationError } from '../plugins/installations.server';

// Download of a carrier installation's FreeSWITCH gateway file, secrets included (audited).
export const loader = withPermission('plugins.manage', async ({ request, params, user }) => {
  const name = new URL(request.url).searchParams.get('file') ?? '';
  try {
    const files = await gatewayFiles(params.installationId ?? '', {
      masked: false,
      actor: { id: user.id, name: user.login, ip: clientIp(request) },
    });
    const file = files.find((f) => f.fileName === name) ?? (files.length === 1 ? files[0] : undefined);
    if (!file) return Response.json({ error: 'not_found', files: files.map((f) => f.fileName) }, { status: 404 });
    return new Response(file.content, {
      headers: {
        'Content-Type': 'application/xml; charset=utf-8',
        'Content-Disposition': `attachment; filename="${file.fileName.replace(/[^A-Za-z0-9_.-]/g, '_')}"`,
        'Cache-Control': 'no-store',
      },
    });
  } catch (error) {
    if (error instanceof InstallationError)
      return Response.json({ error: error.message }, { status: error.code === 'not_found' ? 404 : 400 });
    throw error;
  }
});
