import { useFetcher, useLoaderData, useRevalidator } from '@remix-run/react';
import { Alert, App, Button, Card, Progress, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { EnrichmentCard } from '../components/projects/EnrichmentCard';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { listEnrichmentRuns, setProjectCrm, startEnrichment } from '../modules/lists/enrichment.server';
import { DELIMITERS, ENCODINGS, importFailureKey, importPercent } from '../modules/lists/file-settings';
import { ImportError, listImports, startImport, uploadPath } from '../modules/lists/imports.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';
import { enabledInstallations } from '../plugins/installations.server';
import type { UploadResult } from './projects.$projectId.upload';

export const loader = withPermission('lists.import', async ({ params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const [imports, runs, installations] = await Promise.all([
    listImports(project.id),
    listEnrichmentRuns(project.id),
    enabledInstallations(),
  ]);
  return {
    imports,
    enrichment: {
      runs,
      installations: installations.filter((i) => i.pluginId.includes('crm')).map((i) => ({ id: i.id, name: i.name })),
      crmInstallationId: project.crmInstallationId,
      enrichAfterImport: project.enrichAfterImport,
      canConfigure: can(user.role, 'projects.manage'),
    },
  };
});

const Crm = z.object({
  intent: z.literal('crm'),
  crmInstallationId: z.string().uuid().nullable(),
  enrichAfterImport: z.boolean(),
});
const Enrich = z.object({ intent: z.literal('enrich') });

const Start = z.object({
  intent: z.literal('start'),
  token: z.string(),
  fileName: z.string().max(200),
  headers: z.array(z.string().max(200)).max(500),
  mapping: z.record(z.string().regex(/^\d+$/), z.string().max(60)),
  encoding: z.string().optional(),
  delimiter: z.string().optional(),
  sheet: z.string().optional(),
});

export const action = withPermission('lists.import', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const body = await request.json().catch(() => null);
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const crm = Crm.safeParse(body);
  if (crm.success) {
    if (!can(user.role, 'projects.manage'))
      throw Response.json({ error: 'forbidden', permission: 'projects.manage' }, { status: 403 });
    await setProjectCrm(actor, project.id, crm.data.crmInstallationId, crm.data.enrichAfterImport);
    return { ok: true as const, importId: null };
  }
  if (Enrich.safeParse(body).success) {
    if (!project.crmInstallationId) return { ok: false as const, error: 'enrich.noCrm' };
    await startEnrichment(actor, project.id);
    return { ok: true as const, importId: null };
  }
  try {
    const parsed = Start.safeParse(body);
    if (!parsed.success) return { ok: false as const, error: 'request.invalid' };
    const { token, mapping, ...rest } = parsed.data;
    const started = await startImport(actor, project.id, {
      ...rest,
      filePath: uploadPath(token),
      mapping: Object.fromEntries(Object.entries(mapping).filter(([, field]) => field !== '')),
    });
    return { ok: true as const, importId: started.id };
  } catch (error) {
    if (error instanceof ImportError) return { ok: false as const, error: error.code, details: error.details };
    throw error;
  }
});

type ImportRow = Awaited<ReturnType<typeof listImports>>[number];

const DELIMITER_NAMES: Record<(typeof DELIMITERS)[number], string> = { ',': 'comma', '\t': 'tab', ';': 'semicolon', '|': 'pipe' };

export default function ImportPage() {
  const { imports, enrichment } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const start = useFetcher<typeof action>();
  const revalidator = useRevalidator();
  const [uploading, setUploading] = useState(false);
  const [uploaded, setUploaded] = useState<UploadResult | null>(null);
  // Another sheet, encoding or delimiter: the server reads the uploaded file again that way.
  const reread = async (
    current: Extract<UploadResult, { ok: true }>,
    change: { sheet?: string; encoding?: string; delimiter?: string },
  ) => {
    const { preview: p } = current;
    const options = {
      ...(p.sheet ? { sheet: p.sheet } : {}),
      ...(p.encoding ? { encoding: p.encoding } : {}),
      ...(p.delimiter ? { delimiter: p.delimiter } : {}),
      ...change,
    };
    setUploading(true);
    const query = new URLSearchParams({ token: current.token, fileName: current.fileName, ...options });
    const response = await fetch(`upload?${query}`, { method: 'POST' });
    setUploaded(await response.json());
    setUploading(false);
  };
  const preview = uploaded?.ok ? uploaded : null;
  const [mapping, setMapping] = useState<Record<string, string>>({});

  useEffect(() => {
    if (preview) setMapping(Object.fromEntries(Object.entries(preview.preview.mapping).map(([k, v]) => [k, v])));
  }, [preview]);
  useEffect(() => {
    if (start.state === 'idle' && start.data?.ok) void message.success(t('lists.import.started'));
  }, [start.state, start.data, message, t]);
  // Follow running imports; the progress lives in the database, so a reload or restart loses nothing.
  const active =
    imports.some((i) => i.status === 'queued' || i.status === 'running') ||
    enrichment.runs.some((r) => r.status === 'queued' || r.status === 'running');
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => revalidator.revalidate(), 1000);
    return () => clearInterval(timer);
  }, [active, revalidator]);

  const fieldOptions = [
    { value: '', label: t('lists.import.ignore') },
    ...(preview?.preview.fields ?? []).map((f) => ({ value: f.key, label: `${f.label.zh} / ${f.label.en}` })),
    { value: 'tags', label: t('lists.import.tags') },
    { value: 'consent', label: t('lists.import.consent') },
  ];
  const describe = (e: { field: string; code: string; params?: Record<string, unknown> }) =>
    `${e.field}: ${t(`lists.errors.${e.code}`, e.params ?? {})}`;

  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Card>
        <Upload
          accept=".csv,.txt,.xlsx"
          maxCount={1}
          showUploadList={false}
          customRequest={async ({ file }) => {
            // The raw file as the body: the server streams it to disk, whatever its size.
            setUploading(true);
            const name = (file as File).name;
            const response = await fetch(`upload?fileName=${encodeURIComponent(name)}`, { method: 'POST', body: file as Blob });
            setUploaded(await response.json());
            setUploading(false);
          }}
        >
          <Button type="primary" loading={uploading} data-testid="upload">
            {t('lists.import.upload')}
          </Button>
        </Upload>
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          {t('lists.import.uploadHint')}
        </Typography.Paragraph>
        {uploaded && !uploaded.ok ? <Alert type="error" showIcon message={t(`lists.errors.${uploaded.error}`)} /> : null}
      </Card>
      {preview ? (
        <Card title={`${t('lists.import.mapping')} · ${preview.fileName}`}>
          <Space wrap style={{ marginBottom: 12 }}>
            {preview.preview.format === 'xlsx' ? (
              <Space>
                <Typography.Text>{t('lists.import.sheet')}</Typography.Text>
                <Select
                  style={{ width: 220 }}
                  value={preview.preview.sheet ?? '1'}
                  disabled={uploading}
                  onChange={(sheet) => reread(preview, { sheet })}
                  options={preview.preview.sheets.map((s, i) => ({
                    value: String(i + 1),
                    label: `${s.name} (${t('lists.import.sheetRows', { count: s.rows })})`,
                  }))}
                  data-testid="import-sheet"
                />
              </Space>
            ) : (
              <>
                <Space>
                  <Typography.Text>{t('lists.import.encoding')}</Typography.Text>
                  <Select
                    style={{ width: 160 }}
                    value={preview.preview.encoding ?? undefined}
                    disabled={uploading}
                    onChange={(encoding) => reread(preview, { encoding })}
                    options={ENCODINGS.map((e) => ({ value: e, label: t(`lists.import.encodings.${e}`) }))}
                    data-testid="import-encoding"
                  />
                </Space>
                <Space>
                  <Typography.Text>{t('lists.import.delimiter')}</Typography.Text>
                  <Select
                    style={{ width: 140 }}
                    value={preview.preview.delimiter ?? undefined}
                    disabled={uploading}
                    onChange={(delimiter) => reread(preview, { delimiter })}
                    options={DELIMITERS.map((d) => ({ value: d, label: t(`lists.import.delimiters.${DELIMITER_NAMES[d]}`) }))}
                    data-testid="import-delimiter"
                  />
                </Space>
              </>
            )}
          </Space>
          <Table
            size="small"
            pagination={false}
            rowKey="index"
            dataSource={preview.preview.headers.map((header, index) => ({
              index,
              header,
              sample: preview.preview.rows[0]?.cells[index],
            }))}
            columns={[
              { title: t('lists.import.column'), dataIndex: 'header' },
              { title: t('lists.import.preview'), dataIndex: 'sample', render: (v: unknown) => String(v ?? '') },
              {
                title: t('lists.import.field'),
                render: (_, row) => (
                  <Select
                    style={{ width: 240 }}
                    value={mapping[row.index] ?? ''}
                    options={fieldOptions}
                    onChange={(v) => setMapping((m) => ({ ...m, [row.index]: v }))}
                    data-testid={`map-${row.index}`}
                  />
                ),
              },
            ]}
          />
          {preview.preview.problems.length ? (
            <Alert
              style={{ marginTop: 16 }}
              type="warning"
              showIcon
              message={t('lists.import.problems')}
              description={preview.preview.problems
                .map((p) => `${t('lists.import.line')} ${p.line}: ${p.errors.map(describe).join('; ')}`)
                .join('\n')}
            />
          ) : null}
          {start.data && !start.data.ok ? (
            <Alert
              style={{ marginTop: 16 }}
              type="error"
              showIcon
              message={(start.data.details ?? []).map(describe).join('; ') || start.data.error}
            />
          ) : null}
          <Button
            style={{ marginTop: 16 }}
            type="primary"
            loading={start.state !== 'idle'}
            data-testid="start-import"
            onClick={() =>
              start.submit(
                {
                  intent: 'start',
                  token: preview.token,
                  fileName: preview.fileName,
                  headers: preview.preview.headers,
                  mapping,
                  ...(preview.preview.encoding ? { encoding: preview.preview.encoding } : {}),
                  ...(preview.preview.delimiter ? { delimiter: preview.preview.delimiter } : {}),
                  ...(preview.preview.sheet ? { sheet: preview.preview.sheet } : {}),
                },
                { method: 'post', encType: 'application/json' },
              )
            }
          >
            {t('lists.import.start')}
          </Button>
        </Card>
      ) : null}
      <Card title={t('lists.import.history')}>
        <Table<ImportRow>
          rowKey="id"
          size="small"
          dataSource={imports}
          pagination={false}
          data-testid="imports"
          columns={[
            { title: t('lists.import.file'), dataIndex: 'fileName' },
            {
              title: t('lists.import.progress'),
              render: (_, row) => (
                <Space>
                  <Tag color={row.status === 'done' ? 'green' : row.status === 'failed' ? 'red' : 'blue'}>
                    {t(`lists.import.statuses.${row.status}`)}
                  </Tag>
                  <Progress
                    style={{ width: 140 }}
                    size="small"
                    percent={importPercent(row)}
                    status={row.status === 'running' ? 'active' : undefined}
                  />
                  {row.status === 'failed' ? (
                    <Typography.Text type="danger" data-testid="import-failure">
                      {t(`lists.import.failures.${importFailureKey(row.error)}`, {
                        line: Math.max(row.lastLine, 1),
                        rows: row.rowsRead,
                      })}
                    </Typography.Text>
                  ) : null}
                </Space>
              ),
            },
            { title: t('lists.import.rowsRead'), dataIndex: 'rowsRead' },
            { title: t('lists.import.accepted'), dataIndex: 'accepted' },
            { title: t('lists.import.rejected'), dataIndex: 'rejected' },
            { title: t('lists.import.duplicates'), dataIndex: 'duplicates' },
            { title: t('lists.import.dncMarked'), dataIndex: 'dncMarked' },
            {
              title: '',
              render: (_, row) =>
                row.rejected > 0 ? (
                  <Space>
                    <a
                      href={`/projects/${row.projectId}/imports/${row.id}/rejections`}
                      download
                      data-testid="download-rejections"
                    >
                      {t('lists.import.downloadRejections')}
                    </a>
                    <a
                      href={`/projects/${row.projectId}/imports/${row.id}/rejections?format=xlsx`}
                      download
                      data-testid="download-rejections-xlsx"
                    >
                      XLSX
                    </a>
                  </Space>
                ) : null,
            },
          ]}
        />
      </Card>
      <EnrichmentCard {...enrichment} />
    </Space>
  );
}
