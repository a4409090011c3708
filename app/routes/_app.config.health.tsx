import { useLoaderData, useRevalidator } from '@remix-run/react';
import { Alert, Badge, Button, Card, Col, Descriptions, Row, Table, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { healthReport } from '../modules/system/health.server';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('system.health', async ({ user }) => ({
  report: await healthReport(),
  timeZone: user.timeZone,
}));

const STALE_SECONDS = 180;

export default function HealthPage() {
  const { report, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const revalidator = useRevalidator();
  // Refresh every 15 s so an operator watching the page sees the heartbeat advance.
  useEffect(() => {
    const timer = setInterval(() => revalidator.revalidate(), 15_000);
    return () => clearInterval(timer);
  }, [revalidator]);
  const check = (c: { ok: boolean; ms: number; error?: string }) => (
    <Badge
      status={c.ok ? 'success' : 'error'}
      text={c.ok ? t('health.latency', { ms: c.ms }) : (c.error ?? t('common.failed'))}
    />
  );
  const beat = report.heartbeat;
  return (
    <>
      <Typography.Title level={3}>
        {t('health.title')}{' '}
        <Badge status={report.ok ? 'success' : 'error'} text={report.ok ? t('health.ready') : t('health.notReady')} />
      </Typography.Title>
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={12}>
          <Card
            title={t('health.heartbeat')}
            extra={<Button onClick={() => revalidator.revalidate()}>{t('common.refresh')}</Button>}
          >
            {beat ? (
              <>
                {report.heartbeatAgeSeconds !== null && report.heartbeatAgeSeconds > STALE_SECONDS ? (
                  <Alert type="warning" showIcon message={t('health.stale')} style={{ marginBottom: 12 }} />
                ) : null}
                <Descriptions column={1} size="small" data-testid="heartbeat">
                  <Descriptions.Item label={t('health.lastRun')}>
                    {formatDateTime(beat.at, timeZone, i18n.language)}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('health.age')}>
                    {t('health.ageSeconds', { seconds: report.heartbeatAgeSeconds })}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('health.ranOn')}>{beat.worker}</Descriptions.Item>
                  <Descriptions.Item label={t('health.runs')}>{beat.runs}</Descriptions.Item>
                </Descriptions>
              </>
            ) : (
              <Alert type="warning" showIcon message={t('health.noHeartbeat')} />
            )}
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('dashboard.system')}>
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('health.database')}>{check(report.database)}</Descriptions.Item>
              <Descriptions.Item label={t('health.queue')}>{check(report.queue)}</Descriptions.Item>
              <Descriptions.Item label={t('health.migrations')}>
                {t('health.applied')}: {report.migrations.applied} · {t('health.pending')}:{' '}
                {report.migrations.pending.length ? report.migrations.pending.join(', ') : t('health.none')}
              </Descriptions.Item>
              <Descriptions.Item label={t('health.version')}>{report.version}</Descriptions.Item>
              <Descriptions.Item label={t('health.node')}>{report.node}</Descriptions.Item>
              <Descriptions.Item label={t('health.uptime')}>{report.uptimeSeconds} s</Descriptions.Item>
              <Descriptions.Item label={t('health.endpoints')}>
                <a href="/healthz">/healthz</a> · <a href="/readyz">/readyz</a>
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col span={24}>
          <Card title={t('health.queues')}>
            <Table
              rowKey="name"
              size="small"
              pagination={false}
              dataSource={report.queues}
              columns={[
                { title: t('health.queueName'), dataIndex: 'name' },
                { title: t('health.queued'), dataIndex: 'queued' },
                { title: t('health.active'), dataIndex: 'active' },
                { title: t('health.total'), dataIndex: 'total' },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
