import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Card, Input, Popconfirm, Segmented, Select, Space, Table, Typography, Upload } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useUrlFilters } from '../components/useUrlFilters';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { requireProjectAccess, visibleProjectIds } from '../modules/auth/project-access';
import { clientIp } from '../modules/auth/session.server';
import { addToDnc, listDnc, removeFromDnc } from '../modules/lists/dnc.server';
import { listProjects } from '../modules/projects/projects.server';

const PAGE_SIZE = 50;

export const loader = withPermission('lists.view', async ({ request, user }) => {
  const page = z.coerce.number().int().min(1).catch(1).parse(new URL(request.url).searchParams.get('page'));
  const [entries, projects] = await Promise.all([
    listDnc({ page, pageSize: PAGE_SIZE, visible: visibleProjectIds(user) }),
    listProjects(visibleProjectIds(user)),
  ]);
  return {
    ...entries,
    page,
    projects: projects.map((p) => ({ id: p.id, name: p.name })),
    canManage: can(user.role, 'dnc.manage'),
  };
});

const Intent = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('add'),
    scope: z.string().max(40),
    numbers: z.array(z.string().max(40)).max(100_000),
    tokens: z
      .array(z.object({ token: z.string().trim().min(1).max(200), systemHash: z.string().trim().min(1).max(200).optional() }))
      .max(100_000)
      .default([]),
    source: z.enum(['manual', 'file']),
    note: z.string().max(200).optional(),
  }),
  z.object({ intent: z.literal('remove'), id: z.string().regex(/^\d+$/) }),
]);

export const action = withPermission('dnc.manage', async ({ request, user }) => {
  const parsed = Intent.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, error: 'request.invalid' };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  if (parsed.data.intent === 'remove') {
    // A project's entry is that project's business; the global list is everyone's with dnc.manage.
    const entry = await prisma.dncEntry.findUnique({ where: { id: BigInt(parsed.data.id) }, select: { scope: true } });
    if (entry && entry.scope !== 'global') requireProjectAccess(user, entry.scope);
    await removeFromDnc(actor, BigInt(parsed.data.id));
    return { ok: true as const, result: null };
  }
  const { scope, numbers, tokens, source, note } = parsed.data;
  if (scope !== 'global') requireProjectAccess(user, scope);
  if (numbers.length + tokens.length === 0) return { ok: false as const, error: 'request.invalid' };
  return { ok: true as const, result: await addToDnc(actor, scope, numbers, source, note, tokens) };
});

/** First cell of each line: a pasted list, or a CSV whose first column holds the numbers. */
function numbersIn(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map(
      (line) =>
        line
          .split(/[,\t;]/)[0]
          ?.replace(/"/g, '')
          .trim() ?? '',
    )
    .filter((n) => /\d{5,}/.test(n));
}

/** One token a line, optionally followed by the business system's hash of the number: `token[,hash]`. */
function tokensIn(text: string): { token: string; systemHash?: string }[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.split(/[,\t;]/).map((cell) => cell.replace(/"/g, '').trim()))
    .filter(([token]) => Boolean(token))
    .map(([token, systemHash]) => ({ token: token!, ...(systemHash ? { systemHash } : {}) }));
}

export default function DncPage() {
  const { rows, total, page, projects, canManage } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const { pagination } = useUrlFilters();
  const [text, setText] = useState('');
  const [scope, setScope] = useState('global');
  // Tokenised contacts have no number here: they are blocked by the token their system sent.
  const [kind, setKind] = useState<'numbers' | 'tokens'>('numbers');
  const scopeName = (s: string) => (s === 'global' ? t('lists.dnc.global') : (projects.find((p) => p.id === s)?.name ?? s));
  const add = (content: string, source: 'manual' | 'file') =>
    fetcher.submit(
      kind === 'numbers'
        ? { intent: 'add', scope, numbers: numbersIn(content), source }
        : { intent: 'add', scope, numbers: [], tokens: tokensIn(content), source },
      { method: 'post', encType: 'application/json' },
    );
  const result = fetcher.data?.ok ? fetcher.data.result : null;
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('lists.dnc.title')}</Typography.Title>
      {canManage ? (
        <Card>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Select
              value={scope}
              onChange={setScope}
              style={{ width: 320 }}
              options={[
                { value: 'global', label: t('lists.dnc.global') },
                ...projects.map((p) => ({ value: p.id, label: p.name })),
              ]}
            />
            <Segmented
              value={kind}
              onChange={(v) => setKind(v as 'numbers' | 'tokens')}
              options={[
                { value: 'numbers', label: t('lists.dnc.byNumber') },
                { value: 'tokens', label: t('lists.dnc.byToken') },
              ]}
              data-testid="dnc-kind"
            />
            <Input.TextArea
              rows={4}
              value={text}
              onChange={(e) => setText(e.target.value)}
              placeholder={kind === 'numbers' ? t('lists.dnc.paste') : t('lists.dnc.pasteTokens')}
              data-testid="dnc-numbers"
            />
            <Space>
              <Button
                type="primary"
                disabled={!text.trim()}
                loading={fetcher.state !== 'idle'}
                onClick={() => {
                  add(text, 'manual');
                  setText('');
                }}
                data-testid="dnc-add"
              >
                {t('lists.dnc.add')}
              </Button>
              <Upload
                accept=".csv,.txt"
                showUploadList={false}
                beforeUpload={async (file) => {
                  add(await file.text(), 'file');
                  return false;
                }}
              >
                <Button>{kind === 'numbers' ? t('lists.dnc.upload') : t('lists.dnc.uploadTokens')}</Button>
              </Upload>
            </Space>
            {result ? (
              <Alert
                type={result.invalid.length ? 'warning' : 'success'}
                showIcon
                data-testid="dnc-result"
                message={t('lists.dnc.result', result)}
                description={
                  result.invalid.length
                    ? result.invalid.map((i) => `${i.value}: ${t(`lists.errors.${i.reason}`)}`).join('; ')
                    : undefined
                }
              />
            ) : null}
          </Space>
        </Card>
      ) : null}
      <Table
        rowKey="id"
        size="small"
        dataSource={rows}
        pagination={pagination(page, PAGE_SIZE, total)}
        columns={[
          {
            title: t('lists.contacts.phone'),
            dataIndex: 'phoneMasked',
            render: (p: string) => <Typography.Text code>{p}</Typography.Text>,
          },
          { title: t('lists.dnc.scope'), dataIndex: 'scope', render: scopeName },
          {
            title: t('lists.dnc.source'),
            dataIndex: 'source',
            render: (s: string) => t(`lists.dnc.sources.${s}`, { defaultValue: s }),
          },
          { title: t('lists.dnc.by'), dataIndex: 'createdBy' },
          { title: t('lists.dnc.at'), dataIndex: 'createdAt', render: (at: string) => at.slice(0, 16).replace('T', ' ') },
          {
            render: (_, row) =>
              canManage ? (
                <Popconfirm
                  title={t('lists.dnc.removeConfirm')}
                  onConfirm={() =>
                    fetcher.submit({ intent: 'remove', id: row.id }, { method: 'post', encType: 'application/json' })
                  }
                >
                  <Button size="small" danger>
                    {t('lists.dnc.remove')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
    </Space>
  );
}
