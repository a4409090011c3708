import { PlusOutlined } from '@ant-design/icons';
import { useFetcher, useLoaderData, useRevalidator } from '@remix-run/react';
import { App, Button, Card, Drawer, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { type ContactDetailView, ContactDrawer } from '../components/projects/ContactDrawer';
import { ContactForm } from '../components/projects/ContactForm';
import { ConditionBuilder, EMPTY_CONDITION, RuleErrors } from '../components/rules';
import { useUrlFilters } from '../components/useUrlFilters';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { BulkActionSchema, bulkContacts } from '../modules/lists/contact-actions.server';
import { parseWhere } from '../modules/lists/contact-filter';
import { contactScope } from '../modules/lists/contact-scope';
import { ContactFilterInvalid, listContacts, projectTags } from '../modules/lists/contacts.server';
import { tagColors } from '../modules/lists/tags.server';
import { projectOrNotFound } from '../modules/projects/project-route.server';
import type { Condition, RuleError } from '../rules';

const Query = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).catch(1),
  search: z.string().max(100).optional().catch(undefined),
  tag: z.string().max(60).optional().catch(undefined),
  status: z.enum(['open', 'closed']).optional().catch(undefined),
});
const PAGE_SIZE = 50;

export const loader = withPermission('lists.view', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const url = new URL(request.url);
  const query = Query.parse(Object.fromEntries(url.searchParams));
  const condition = parseWhere(url.searchParams.get('where'));
  const [tags, tagColorMap] = await Promise.all([projectTags(project.id), tagColors()]);
  let contacts: Awaited<ReturnType<typeof listContacts>> = { total: 0, rows: [] };
  let conditionErrors: RuleError[] = [];
  try {
    contacts = await listContacts(project.id, { ...query, condition, pageSize: PAGE_SIZE });
  } catch (error) {
    if (!(error instanceof ContactFilterInvalid)) throw error;
    conditionErrors = error.errors;
  }
  return {
    ...contacts,
    tags,
    tagColorMap,
    scope: contactScope(project.fields, tags).scope,
    condition,
    conditionErrors,
    page: query.page,
    projectId: project.id,
    canUnmask: can(user.role, 'contacts.unmask'),
    canExport: can(user.role, 'lists.export'),
    // The template (no values) for the add and edit forms, for those who may change contacts.
    fields: can(user.role, 'lists.import') ? project.fields : null,
  };
});

const Bulk = z.object({
  ids: z
    .array(z.string().regex(/^\d{1,19}$/))
    .min(1)
    .max(1000),
  bulk: BulkActionSchema,
});

export const action = withPermission('lists.import', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const parsed = Bulk.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, count: 0 };
  if (parsed.data.bulk.action === 'dnc' && !can(user.role, 'dnc.manage')) {
    throw Response.json({ error: 'forbidden', permission: 'dnc.manage' }, { status: 403 });
  }
  const count = await bulkContacts(
    { id: user.id, name: user.login, ip: clientIp(request) },
    project.id,
    parsed.data.ids.map(BigInt),
    parsed.data.bulk,
  );
  return { ok: true as const, count };
});

type Row = Awaited<ReturnType<typeof listContacts>>['rows'][number];

export default function ContactsPage() {
  const { rows, total, tags, tagColorMap, scope, condition, conditionErrors, page, projectId, canUnmask, canExport, fields } =
    useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const [adding, setAdding] = useState(false);
  const [draft, setDraft] = useState<Condition>(condition ?? EMPTY_CONDITION);
  const [advanced, setAdvanced] = useState(Boolean(condition));
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkTag, setBulkTag] = useState('');
  const [detail, setDetail] = useState<ContactDetailView | null>(null);
  const bulk = useFetcher<typeof action>();
  const runBulk = (body: Record<string, unknown>) =>
    bulk.submit({ ids: selected, bulk: body } as never, { method: 'post', encType: 'application/json' });
  const openDetail = async (id: string) => setDetail(await (await fetch(`/projects/${projectId}/contacts/${id}.json`)).json());
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [revealed, setRevealed] = useState<Record<string, string>>({});
  const reveal = async (id: string) => {
    const response = await fetch(`/projects/${projectId}/contacts/${id}/phone`, { method: 'POST' });
    if (!response.ok) return void message.error(t('errors.genericTitle'));
    const { phone } = (await response.json()) as { phone: string };
    setRevealed((r) => ({ ...r, [id]: phone }));
  };
  const { params, setFilter: set, pagination } = useUrlFilters();
  return (
    <>
      <Space style={{ marginBottom: 16 }} wrap>
        <Input.Search
          allowClear
          placeholder={t('lists.contacts.search')}
          defaultValue={params.get('search') ?? ''}
          onSearch={(v) => set('search', v || undefined)}
          style={{ width: 220 }}
        />
        <Select
          allowClear
          placeholder={t('lists.contacts.tagFilter')}
          value={params.get('tag') ?? undefined}
          onChange={(v) => set('tag', v)}
          options={tags.map((tag) => ({ value: tag, label: tag }))}
          style={{ width: 180 }}
        />
        <Select
          allowClear
          placeholder={t('lists.contacts.status')}
          value={params.get('status') ?? undefined}
          onChange={(v) => set('status', v)}
          options={(['open', 'closed'] as const).map((s) => ({ value: s, label: t(`lists.contacts.statuses.${s}`) }))}
          style={{ width: 140 }}
        />
        <Typography.Text type="secondary">{t('lists.contacts.total', { count: total })}</Typography.Text>
        {canExport ? (
          <Space>
            <a href={`/projects/${projectId}/contacts/export?${params.toString()}`} download data-testid="export">
              {t('lists.contacts.export')}
            </a>
            <a
              href={`/projects/${projectId}/contacts/export?format=xlsx&${params.toString()}`}
              download
              data-testid="export-xlsx"
            >
              XLSX
            </a>
          </Space>
        ) : null}
        {fields ? (
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="add-contact">
            {t('lists.contacts.add')}
          </Button>
        ) : null}
      </Space>
      {fields ? (
        <Drawer open={adding} onClose={() => setAdding(false)} size="large" title={t('lists.contacts.add')} destroyOnHidden>
          <ContactForm
            projectId={projectId}
            fields={fields}
            onSaved={() => {
              setAdding(false);
              void message.success(t('lists.contacts.saved'));
              revalidator.revalidate();
            }}
          />
        </Drawer>
      ) : null}
      <Button type="link" onClick={() => setAdvanced(!advanced)} data-testid="advanced-filter">
        {t('lists.contacts.advanced')}
      </Button>
      {advanced ? (
        <Card size="small" style={{ marginBottom: 16 }}>
          <ConditionBuilder scope={scope} value={draft} onChange={setDraft} />
          <RuleErrors errors={conditionErrors} />
          <Space style={{ marginTop: 8 }}>
            <Button
              type="primary"
              onClick={() => set('where', draft.rules.length ? JSON.stringify(draft) : undefined)}
              data-testid="apply-filter"
            >
              {t('lists.contacts.applyFilter')}
            </Button>
            <Button
              onClick={() => {
                setDraft(EMPTY_CONDITION);
                set('where', undefined);
              }}
            >
              {t('lists.contacts.clearFilter')}
            </Button>
          </Space>
        </Card>
      ) : null}
      {selected.length ? (
        <Space style={{ marginBottom: 12 }} wrap data-testid="bulk-bar">
          <Typography.Text>{t('lists.contacts.selected', { count: selected.length })}</Typography.Text>
          <Input
            size="small"
            style={{ width: 140 }}
            placeholder={t('lists.contacts.tags')}
            value={bulkTag}
            onChange={(e) => setBulkTag(e.target.value)}
          />
          <Button size="small" disabled={!bulkTag.trim()} onClick={() => runBulk({ action: 'tag', tag: bulkTag })}>
            {t('lists.contacts.bulk.tag')}
          </Button>
          <Button size="small" disabled={!bulkTag.trim()} onClick={() => runBulk({ action: 'untag', tag: bulkTag })}>
            {t('lists.contacts.bulk.untag')}
          </Button>
          <Button size="small" onClick={() => runBulk({ action: 'dnc' })}>
            {t('lists.contacts.bulk.dnc')}
          </Button>
          <Button size="small" onClick={() => runBulk({ action: 'close' })}>
            {t('lists.contacts.bulk.close')}
          </Button>
          <Button size="small" danger onClick={() => runBulk({ action: 'delete' })}>
            {t('lists.contacts.bulk.delete')}
          </Button>
          {bulk.data?.ok ? (
            <Typography.Text type="success">{t('lists.contacts.bulk.done', { count: bulk.data.count })}</Typography.Text>
          ) : null}
        </Space>
      ) : null}
      <ContactDrawer
        contact={detail}
        onClose={() => setDetail(null)}
        edit={
          fields
            ? {
                projectId,
                fields,
                onSaved: (id) => {
                  void message.success(t('lists.contacts.saved'));
                  void openDetail(id);
                  revalidator.revalidate();
                },
              }
            : undefined
        }
      />
      <Table<Row>
        rowKey="id"
        size="small"
        dataSource={rows}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) }}
        data-testid="contacts"
        pagination={pagination(page, PAGE_SIZE, total)}
        columns={[
          {
            title: t('lists.contacts.name'),
            dataIndex: 'name',
            render: (name: string, row) => (
              <Button type="link" size="small" onClick={() => openDetail(row.id)} style={{ padding: 0 }}>
                {name}
              </Button>
            ),
          },
          {
            title: t('lists.contacts.phone'),
            dataIndex: 'phoneMasked',
            render: (p: string, row) => (
              <Space>
                <Typography.Text code>{revealed[row.id] ?? p}</Typography.Text>
                {canUnmask && !revealed[row.id] ? (
                  <Button size="small" type="link" onClick={() => reveal(row.id)} data-testid={`reveal-${row.id}`}>
                    {t('lists.contacts.showNumber')}
                  </Button>
                ) : null}
              </Space>
            ),
          },
          {
            title: t('lists.contacts.tags'),
            dataIndex: 'tags',
            render: (list: string[]) =>
              list.map((tag) => (
                <Tag key={tag} color={tagColorMap[tag]}>
                  {tag}
                </Tag>
              )),
          },
          {
            title: t('lists.contacts.status'),
            dataIndex: 'status',
            render: (s: 'open' | 'closed') => t(`lists.contacts.statuses.${s}`),
          },
          {
            title: t('lists.contacts.dnc'),
            dataIndex: 'dnc',
            render: (d: boolean) => (d ? <Tag color="red">{t('lists.contacts.dnc')}</Tag> : null),
          },
          { title: t('lists.contacts.attempts'), dataIndex: 'attempts' },
        ]}
      />
    </>
  );
}
