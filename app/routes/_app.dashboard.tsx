import { useLoaderData } from '@remix-run/react';
import { Badge, Card, Col, Row, Statistic, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { withPermission } from '../modules/auth/guard.server';
import { dashboardSummary } from '../modules/system/health.server';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('dashboard.view', async ({ user }) => ({
  name: user.displayName,
  timeZone: user.timeZone,
  summary: await dashboardSummary(),
}));

export default function Dashboard() {
  const { name, timeZone, summary } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const status = (ok: boolean) => <Badge status={ok ? 'success' : 'error'} text={ok ? t('common.ok') : t('common.failed')} />;
  return (
    <>
      <Typography.Title level={3}>{t('dashboard.welcome', { name })}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('dashboard.intro')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        <Col xs={24} md={6}>
          <Card title={t('dashboard.database')}>{status(summary.database)}</Card>
        </Col>
        <Col xs={24} md={6}>
          <Card title={t('dashboard.queue')}>{status(summary.queue)}</Card>
        </Col>
        <Col xs={24} md={6}>
          <Card title={t('dashboard.heartbeat')} data-testid="dashboard-heartbeat">
            {summary.heartbeatAt
              ? t('dashboard.heartbeatAt', { when: formatDateTime(summary.heartbeatAt, timeZone, i18n.language) })
              : t('dashboard.noHeartbeat')}
          </Card>
        </Col>
        <Col xs={24} md={6}>
          <Card>
            <Statistic title={t('dashboard.users')} value={summary.activeUsers} />
          </Card>
        </Col>
      </Row>
    </>
  );
}
