import { useLoaderData } from '@remix-run/react';
import { Alert, Input, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useUrlFilters } from '../components/useUrlFilters';
import { auditActions, listAudit } from '../modules/audit/audit.server';
import { withPermission } from '../modules/auth/guard.server';
import { formatDateTime } from '../utils/format';

const Query = z.object({
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  action: z.string().max(100).optional().catch(undefined),
  actor: z.string().max(100).optional().catch(undefined),
});

const PAGE_SIZE = 50;

export const loader = withPermission('audit.view', async ({ request, user }) => {
  const query = Query.parse(Object.fromEntries(new URL(request.url).searchParams));
  const [result, actions] = await Promise.all([listAudit({ ...query, pageSize: PAGE_SIZE }), auditActions()]);
  return { ...result, actions, page: query.page, timeZone: user.timeZone };
});

export default function AuditPage() {
  const { rows, total, actions, page, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { params, setFilter: setParam, pagination } = useUrlFilters();
  return (
    <>
      <Typography.Title level={3}>{t('audit.title')}</Typography.Title>
      <Alert type="info" showIcon message={t('audit.readOnly')} style={{ marginBottom: 16 }} />
      <Space style={{ marginBottom: 16 }} wrap>
        <Select
          allowClear
          style={{ width: 240 }}
          placeholder={t('audit.filterAction')}
          value={params.get('action') ?? undefined}
          options={actions.map((a) => ({ value: a, label: a }))}
          onChange={(v) => setParam('action', v)}
          data-testid="audit-action-filter"
        />
        <Input.Search
          allowClear
          style={{ width: 240 }}
          placeholder={t('audit.filterActor')}
          defaultValue={params.get('actor') ?? ''}
          onSearch={(v) => setParam('actor', v || undefined)}
        />
      </Space>
      <Table
        rowKey="id"
        size="small"
        dataSource={rows}
        data-testid="audit-table"
        pagination={pagination(page, PAGE_SIZE, total)}
        columns={[
          {
            title: t('audit.at'),
            dataIndex: 'at',
            width: 200,
            render: (at: string) => formatDateTime(at, timeZone, i18n.language),
          },
          { title: t('audit.actor'), dataIndex: 'actor' },
          { title: t('audit.action'), dataIndex: 'action' },
          { title: t('audit.target'), dataIndex: 'target' },
          { title: t('audit.ip'), dataIndex: 'ip' },
          {
            title: t('audit.details'),
            dataIndex: 'details',
            render: (d: unknown) => (d ? <Typography.Text code>{JSON.stringify(d)}</Typography.Text> : null),
          },
        ]}
      />
    </>
  );
}
