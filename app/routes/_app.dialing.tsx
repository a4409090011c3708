import { useLoaderData, useRevalidator } from '@remix-run/react';
import { Card, Col, Empty, Row, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { DialingWhy } from '../components/dialing/DialingWhy';
import { withPermission } from '../modules/auth/guard.server';
import { visibleProjectIds } from '../modules/auth/project-access';
import { dialingSnapshot } from '../modules/dialing/monitor.server';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('dialing.view', async ({ user }) => ({
  ...(await dialingSnapshot(visibleProjectIds(user))),
  timeZone: user.timeZone,
}));

const STATE_COLORS: Record<string, string> = {
  queued: 'default',
  dialing: 'blue',
  ringing: 'geekblue',
  answered: 'gold',
  connected: 'green',
  abandoned: 'red',
  robot: 'purple',
  ready: 'green',
  reserved: 'gold',
  talking: 'blue',
  wrapUp: 'cyan',
  paused: 'orange',
};

/** Reloads the snapshot when live events arrive, at most once a second. */
function useLiveRefresh(url: string) {
  const revalidator = useRevalidator();
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    const source = new EventSource(url);
    const refresh = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        revalidator.revalidate();
      }, 1000);
    };
    for (const topic of ['attempt', 'agent', 'task']) source.addEventListener(topic, refresh);
    // Dialer status is also written periodically; poll gently in case no event comes.
    const poll = setInterval(refresh, 10_000);
    return () => {
      source.close();
      clearInterval(poll);
      if (pending.current) clearTimeout(pending.current);
    };
  }, [url, revalidator]);
}

export default function DialingPage() {
  const { tasks, calls, agents, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  useLiveRefresh('/live/dialing');
  const byState = (list: { state: string }[], state: string) => list.filter((x) => x.state === state).length;

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle">
      <Typography.Title level={3}>{t('dialing.title')}</Typography.Title>
      <Row gutter={12}>
        {['dialing', 'ringing', 'answered', 'connected'].map((s) => (
          <Col span={3} key={s}>
            <Card size="small" data-testid={`calls-${s}`}>
              <Statistic title={t(`dialing.states.${s}`)} value={byState(calls, s)} />
            </Card>
          </Col>
        ))}
        {['ready', 'talking', 'wrapUp', 'paused'].map((s) => (
          <Col span={3} key={s}>
            <Card size="small" data-testid={`agents-${s}`}>
              <Statistic
                title={t(`dialing.agentStates.${s}`)}
                value={byState(agents, s) + (s === 'talking' ? byState(agents, 'reserved') : 0)}
              />
            </Card>
          </Col>
        ))}
      </Row>
      <Card size="small" title={t('dialing.tasks')}>
        {tasks.length === 0 ? (
          <Empty description={t('dialing.noTasks')} />
        ) : (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={tasks}
            columns={[
              { title: t('dialing.task'), dataIndex: 'name' },
              { title: t('dialing.mode'), dataIndex: 'dialMode', render: (m: string | null, row) => m ?? row.channel },
              { title: t('dialing.inFlight'), dataIndex: 'inFlight' },
              { title: t('dialing.connectedToday'), dataIndex: 'connectedToday' },
              {
                title: t('dialing.abandonRate'),
                dataIndex: 'abandonRateToday',
                render: (r: number) => `${(r * 100).toFixed(1)} %`,
              },
              {
                title: t('dialing.why'),
                key: 'why',
                render: (_: unknown, row) => <DialingWhy dialing={row} timeZone={timeZone} testId={`why-${row.id}`} />,
              },
            ]}
          />
        )}
      </Card>
      <Row gutter={12}>
        <Col span={14}>
          <Card size="small" title={t('dialing.calls')}>
            <Table
              rowKey="id"
              size="small"
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={calls}
              columns={[
                { title: t('dialing.phone'), dataIndex: 'phone' },
                {
                  title: t('dialing.state'),
                  dataIndex: 'state',
                  render: (s: string) => <Tag color={STATE_COLORS[s]}>{t(`dialing.states.${s}`)}</Tag>,
                },
                { title: t('dialing.mode'), dataIndex: 'mode' },
                { title: t('dialing.agent'), dataIndex: 'agent' },
                {
                  title: t('dialing.since'),
                  dataIndex: 'since',
                  render: (at: string) => formatDateTime(at, timeZone, i18n.language),
                },
              ]}
            />
          </Card>
        </Col>
        <Col span={10}>
          <Card size="small" title={t('dialing.agents')}>
            <Table
              rowKey="userId"
              size="small"
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              dataSource={agents}
              columns={[
                {
                  title: t('dialing.agent'),
                  dataIndex: 'name',
                  render: (n: string, row) => (row.auto ? `${n} (${t('dialing.auto')})` : n),
                },
                {
                  title: t('dialing.state'),
                  dataIndex: 'state',
                  render: (s: string, row) => (
                    <Tag color={STATE_COLORS[s]}>
                      {t(`dialing.agentStates.${s}`)}
                      {row.pauseReason ? ` · ${row.pauseReason}` : ''}
                    </Tag>
                  ),
                },
                {
                  title: t('dialing.since'),
                  dataIndex: 'since',
                  render: (at: string) => formatDateTime(at, timeZone, i18n.language),
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}
