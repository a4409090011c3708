import { useFetcher, useLoaderData } from '@remix-run/react';
import { Button, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { TAG_COLORS } from '../modules/lists/tag-colors';
import { saveTag, TagSchema, tagCatalogue } from '../modules/lists/tags.server';

export const loader = withPermission('lists.view', async ({ user }) => ({
  tags: await tagCatalogue(),
  canEdit: can(user.role, 'projects.manage'),
}));

export const action = withPermission('projects.manage', async ({ request, user }) => {
  const parsed = TagSchema.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const };
  await saveTag({ id: user.id, name: user.login, ip: clientIp(request) }, parsed.data);
  return { ok: true as const };
});

type Row = ReturnType<typeof useLoaderData<typeof loader>>['tags'][number];

export default function TagCataloguePage() {
  const { tags, canEdit } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const [draft, setDraft] = useState({ name: '', color: 'blue', group: '' });
  const save = (row: { name: string; color: string; group: string }) =>
    fetcher.submit(row, { method: 'post', encType: 'application/json' });
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('lists.tagCatalogue.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('lists.tagCatalogue.help')}</Typography.Paragraph>
      {canEdit ? (
        <Space>
          <Input
            placeholder={t('lists.tagCatalogue.name')}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
            maxLength={30}
          />
          <Input
            placeholder={t('lists.tagCatalogue.group')}
            value={draft.group}
            onChange={(e) => setDraft({ ...draft, group: e.target.value })}
            maxLength={30}
          />
          <Select
            style={{ width: 130 }}
            value={draft.color}
            onChange={(color) => setDraft({ ...draft, color })}
            options={TAG_COLORS.map((c) => ({ value: c, label: <Tag color={c}>{c}</Tag> }))}
          />
          <Button type="primary" disabled={!draft.name.trim()} onClick={() => save(draft)}>
            {t('common.save')}
          </Button>
        </Space>
      ) : null}
      <Table<Row>
        rowKey="name"
        size="small"
        dataSource={tags}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        columns={[
          {
            title: t('lists.tagCatalogue.name'),
            dataIndex: 'name',
            render: (name: string, row) => <Tag color={row.color}>{name}</Tag>,
          },
          { title: t('lists.tagCatalogue.group'), dataIndex: 'group' },
          { title: t('lists.tagCatalogue.contacts'), dataIndex: 'contacts' },
          {
            title: t('lists.tagCatalogue.color'),
            render: (_, row) =>
              canEdit ? (
                <Select
                  size="small"
                  style={{ width: 130 }}
                  value={row.color}
                  onChange={(color) => save({ name: row.name, color, group: row.group })}
                  options={TAG_COLORS.map((c) => ({ value: c, label: <Tag color={c}>{c}</Tag> }))}
                />
              ) : (
                row.color
              ),
          },
        ]}
      />
    </Space>
  );
}
