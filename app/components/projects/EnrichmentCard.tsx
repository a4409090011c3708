import { useFetcher } from '@remix-run/react';
import { Button, Card, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';

interface Run {
  id: string;
  status: string;
  processed: number;
  enriched: number;
  failed: number;
  error: string | null;
  createdAt: string;
}

/** CRM enrichment for a project: which CRM installation, whether imports trigger it, the runs. */
export function EnrichmentCard(props: {
  installations: { id: string; name: string }[];
  crmInstallationId: string | null;
  enrichAfterImport: boolean;
  runs: Run[];
  canConfigure: boolean;
}) {
  const { t } = useTranslation();
  const fetcher = useFetcher();
  const submit = (body: Record<string, unknown>) =>
    fetcher.submit(JSON.parse(JSON.stringify(body)), { method: 'post', encType: 'application/json' });
  return (
    <Card title={t('lists.enrich.title')}>
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('lists.enrich.help')}</Typography.Text>
        <Space wrap>
          <Select
            style={{ width: 260 }}
            allowClear
            disabled={!props.canConfigure}
            placeholder={t('lists.enrich.none')}
            value={props.crmInstallationId ?? undefined}
            options={props.installations.map((i) => ({ value: i.id, label: i.name }))}
            onChange={(id) =>
              submit({ intent: 'crm', crmInstallationId: id ?? null, enrichAfterImport: props.enrichAfterImport })
            }
            data-testid="crm-installation"
          />
          <Space>
            <Switch
              checked={props.enrichAfterImport}
              disabled={!props.canConfigure || !props.crmInstallationId}
              onChange={(on) => submit({ intent: 'crm', crmInstallationId: props.crmInstallationId, enrichAfterImport: on })}
            />
            {t('lists.enrich.afterImport')}
          </Space>
          <Button
            disabled={!props.crmInstallationId}
            loading={fetcher.state !== 'idle'}
            onClick={() => submit({ intent: 'enrich' })}
            data-testid="enrich-now"
          >
            {t('lists.enrich.now')}
          </Button>
        </Space>
        {props.runs.length ? (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={props.runs}
            columns={[
              {
                title: t('lists.import.progress'),
                dataIndex: 'status',
                render: (s: string) => (
                  <Tag color={s === 'done' ? 'green' : s === 'failed' ? 'red' : 'blue'}>
                    {t(`lists.import.statuses.${s}`, { defaultValue: s })}
                  </Tag>
                ),
              },
              { title: t('lists.enrich.processed'), dataIndex: 'processed' },
              { title: t('lists.enrich.enriched'), dataIndex: 'enriched' },
              { title: t('lists.enrich.failed'), dataIndex: 'failed' },
              { title: t('lists.import.errors'), dataIndex: 'error' },
            ]}
          />
        ) : null}
      </Space>
    </Card>
  );
}
