import { BulbOutlined } from '@ant-design/icons';
import { useLoaderData } from '@remix-run/react';
import { Button, Card, Col, ConfigProvider, Empty, Row, Space, Table, Tag, Tooltip, Typography, theme } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDuration, useLiveSnapshot, useNow } from '../components/monitoring/useLiveSnapshot';
import { withPermission } from '../modules/auth/guard.server';
import { visibleProjectIds } from '../modules/auth/project-access';
import { wallboardSnapshot } from '../modules/monitoring/metrics.server';
import { formatDateTime } from '../utils/format';

export const loader = withPermission('monitoring.view', async ({ user }) => ({
  ...(await wallboardSnapshot(new Date(), visibleProjectIds(user))),
  timeZone: user.timeZone,
}));

const TOPICS = ['attempt', 'agent', 'task', 'alert'];
const DARK_KEY = 'waihu.wallboard.dark';
const STATE_COLORS: Record<string, string> = {
  ready: 'green',
  reserved: 'gold',
  talking: 'blue',
  wrapUp: 'cyan',
  paused: 'orange',
};
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(1)} %`);

/** A big figure for the wall: label above, value in large type. */
function Tile(props: { label: string; value: string | number; testId: string; alert?: boolean }) {
  const { token } = theme.useToken();
  return (
    <Card size="small" styles={{ body: { padding: '10px 14px' } }}>
      <div style={{ fontSize: 14, color: token.colorTextSecondary }}>{props.label}</div>
      <div
        data-testid={props.testId}
        style={{ fontSize: 34, fontWeight: 600, lineHeight: 1.2, color: props.alert ? token.colorError : token.colorText }}
      >
        {props.value}
      </div>
    </Card>
  );
}

export default function Wallboard() {
  const data = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const latency = useLiveSnapshot('/live/monitoring', TOPICS, data.at);
  const now = useNow();
  const [dark, setDark] = useState(false);
  useEffect(() => setDark(localStorage.getItem(DARK_KEY) === '1'), []);
  const toggleDark = () => {
    localStorage.setItem(DARK_KEY, dark ? '0' : '1');
    setDark(!dark);
  };
  const hour = data.system.windows['1h'];
  const today = data.system.windows.today;
  const agentsBy = (s: string) => data.agents.filter((a) => a.state === s).length;
  const maxLag = Math.max(0, ...data.queues.map((q) => q.lagSec));

  return (
    <ConfigProvider theme={{ algorithm: dark ? theme.darkAlgorithm : theme.defaultAlgorithm, token: { fontSize: 15 } }}>
      <div
        data-testid="wallboard"
        data-theme={dark ? 'dark' : 'light'}
        style={{ background: dark ? '#0b0f17' : 'transparent', padding: dark ? 12 : 0, borderRadius: 8, minHeight: '100%' }}
      >
        <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }}>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('monitoring.wallboard')}
          </Typography.Title>
          <Space>
            <Typography.Text type="secondary" data-testid="wallboard-at" data-latency={latency ?? ''}>
              {t('monitoring.updatedAt', { time: formatDateTime(data.at, data.timeZone, i18n.language) })}
              {latency !== null ? ` · ${t('monitoring.latency', { ms: latency })}` : ''}
            </Typography.Text>
            <Button icon={<BulbOutlined />} onClick={toggleDark} data-testid="dark-toggle">
              {dark ? t('monitoring.lightTheme') : t('monitoring.darkTheme')}
            </Button>
          </Space>
        </Space>
        <Row gutter={[10, 10]}>
          {(
            [
              ['ringing', data.system.ringing],
              ['connected', data.system.connected],
              ['placedToday', today?.placed ?? 0],
              ['answerRate1h', pct(hour?.answerRate)],
              ['abandonRate1h', pct(hour?.abandonRate)],
              ['serviceLevel1h', pct(hour?.serviceLevel)],
              ['occupancy', pct(data.system.occupancy)],
              ['avgTalk', hour?.averageTalkSec === null || !hour ? '—' : `${hour.averageTalkSec} s`],
            ] as const
          ).map(([k, v]) => (
            <Col xs={12} md={6} xl={3} key={k}>
              <Tile
                label={t(`monitoring.tiles.${k}`)}
                value={v}
                testId={`wb-${k}`}
                alert={k === 'abandonRate1h' && (hour?.abandonRate ?? 0) > 3}
              />
            </Col>
          ))}
        </Row>

        <Card size="small" title={t('monitoring.tasks')} style={{ marginTop: 10 }}>
          {data.tasks.length === 0 ? (
            <Empty description={t('monitoring.noTasks')} />
          ) : (
            <Table
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={data.tasks}
              scroll={{ x: 1000 }}
              onRow={(row) => ({ 'data-testid': `wb-task-${row.id}` }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                {
                  title: t('monitoring.task'),
                  dataIndex: 'name',
                  render: (name: string, row) => (
                    <Space orientation="vertical" size={0}>
                      <Typography.Text strong style={{ fontSize: 16 }}>
                        {name}
                      </Typography.Text>
                      <span>
                        <Tag color={row.status === 'running' ? 'green' : 'orange'}>{t(`tasks.statuses.${row.status}`)}</Tag>
                        {row.statusReason && row.status !== 'running' ? (
                          <Typography.Text type="secondary" ellipsis style={{ maxWidth: 260 }}>
                            {row.statusReason}
                          </Typography.Text>
                        ) : null}
                      </span>
                    </Space>
                  ),
                },
                { title: t('monitoring.ringing'), dataIndex: 'ringing', className: 'wb-num' },
                { title: t('monitoring.connected'), dataIndex: 'connected' },
                { title: t('monitoring.abandonedToday'), key: 'ab', render: (_, r) => r.windows.today?.abandoned ?? 0 },
                { title: t('monitoring.answerRate1h'), key: 'ar', render: (_, r) => pct(r.windows['1h']?.answerRate) },
                {
                  title: t('monitoring.abandonRates'),
                  key: 'abr',
                  render: (_, r) => (
                    <Space size={4} data-testid={`wb-abandon-${r.id}`}>
                      {(['15m', '1h', 'today', '30d'] as const).map((w) => (
                        <Tooltip key={w} title={t(`monitoring.windows.${w}`)}>
                          <Tag color={(r.windows[w]?.abandonRate ?? 0) > 3 ? 'red' : undefined}>
                            {t(`monitoring.windowsShort.${w}`)} {pct(r.windows[w]?.abandonRate)}
                          </Tag>
                        </Tooltip>
                      ))}
                    </Space>
                  ),
                },
                { title: t('monitoring.remaining'), dataIndex: 'remaining', render: (v: number | null) => v ?? '—' },
                {
                  title: t('monitoring.pacingLevel'),
                  key: 'level',
                  render: (_, r) => (
                    <span>
                      {r.pacingLevel ?? '—'}
                      {r.pacingCap !== null ? <Tag color="red">{t('monitoring.capped', { level: r.pacingCap })}</Tag> : null}
                    </span>
                  ),
                },
              ]}
            />
          )}
        </Card>

        <Row gutter={10} style={{ marginTop: 10 }}>
          <Col xs={24} lg={10}>
            <Card
              size="small"
              title={t('monitoring.agents')}
              extra={
                <Space size={4}>
                  {['ready', 'talking', 'wrapUp', 'paused'].map((s) => (
                    <Tag key={s} color={STATE_COLORS[s]} data-testid={`wb-agents-${s}`}>
                      {t(`dialing.agentStates.${s}`)} {agentsBy(s) + (s === 'talking' ? agentsBy('reserved') : 0)}
                    </Tag>
                  ))}
                </Space>
              }
            >
              <Table
                rowKey="userId"
                size="small"
                pagination={{ pageSize: 12, hideOnSinglePage: true }}
                dataSource={data.agents}
                columns={[
                  { title: t('monitoring.agent'), dataIndex: 'name' },
                  {
                    title: t('monitoring.state'),
                    dataIndex: 'state',
                    render: (s: string, row) => (
                      <Tag color={STATE_COLORS[s]}>
                        {t(`dialing.agentStates.${s}`)}
                        {row.pauseReason ? ` · ${row.pauseReason}` : ''}
                      </Tag>
                    ),
                  },
                  {
                    title: t('monitoring.timeInState'),
                    dataIndex: 'since',
                    render: (since: string) => (now === null ? '' : formatDuration(now - Date.parse(since))),
                  },
                ]}
              />
            </Card>
          </Col>
          <Col xs={24} lg={14}>
            <Card size="small" title={t('monitoring.trunks')}>
              <Table
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={data.trunks}
                columns={[
                  {
                    title: t('monitoring.trunk'),
                    dataIndex: 'id',
                    render: (id: string, r) => (
                      <span>
                        {id} {r.disabled ? <Tag color="red">{t('monitoring.disabled')}</Tag> : null}
                      </span>
                    ),
                  },
                  {
                    title: t('monitoring.channels'),
                    key: 'ch',
                    render: (_, r) => `${r.inUse} / ${r.capacity ?? '—'}`,
                  },
                  { title: t('monitoring.asr1h'), key: 'asr', render: (_, r) => pct(r.hour.asr) },
                  { title: t('monitoring.asrToday'), key: 'asrT', render: (_, r) => pct(r.today.asr) },
                  { title: t('monitoring.failureCauses'), key: 'c', render: (_, r) => <Causes causes={r.hour.causes} /> },
                ]}
              />
              <Table
                style={{ marginTop: 8 }}
                rowKey="id"
                size="small"
                pagination={{ pageSize: 8, hideOnSinglePage: true }}
                dataSource={data.callerIds}
                columns={[
                  {
                    title: t('monitoring.callerId'),
                    dataIndex: 'id',
                    render: (id: string, r) => (
                      <span>
                        {id} {r.disabled ? <Tag color="red">{t('monitoring.disabled')}</Tag> : null}
                      </span>
                    ),
                  },
                  { title: t('monitoring.inUse'), dataIndex: 'inUse' },
                  { title: t('monitoring.asr1h'), key: 'asr', render: (_, r) => pct(r.hour.asr) },
                  { title: t('monitoring.asrToday'), key: 'asrT', render: (_, r) => `${pct(r.today.asr)} (${r.today.placed})` },
                  { title: t('monitoring.failureCauses'), key: 'c', render: (_, r) => <Causes causes={r.hour.causes} /> },
                ]}
              />
            </Card>
          </Col>
        </Row>

        <Row gutter={10} style={{ marginTop: 10 }}>
          <Col xs={24} md={12}>
            <Card size="small" title={t('monitoring.writeBack')}>
              <Row gutter={10}>
                <Col span={6}>
                  <Tile label={t('monitoring.backlog')} value={data.writeBack.backlog} testId="wb-writeback-backlog" />
                </Col>
                <Col span={6}>
                  <Tile
                    label={t('monitoring.failed10m')}
                    value={data.writeBack.failed10m}
                    testId="wb-writeback-failed"
                    alert={data.writeBack.failed10m > 0}
                  />
                </Col>
                <Col span={6}>
                  <Tile
                    label={t('monitoring.dead')}
                    value={data.writeBack.dead}
                    testId="wb-writeback-dead"
                    alert={data.writeBack.dead > 0}
                  />
                </Col>
                <Col span={6}>
                  <Tile
                    label={t('monitoring.oldestPending')}
                    value={formatDuration(data.writeBack.oldestPendingSec * 1000)}
                    testId="wb-writeback-oldest"
                  />
                </Col>
              </Row>
            </Card>
          </Col>
          <Col xs={24} md={12}>
            <Card size="small" title={t('monitoring.jobQueue')} extra={t('monitoring.maxLag', { sec: maxLag })}>
              {data.queues.length === 0 ? (
                <Typography.Text type="secondary">{t('monitoring.queueIdle')}</Typography.Text>
              ) : (
                <Table
                  rowKey="queue"
                  size="small"
                  pagination={false}
                  dataSource={data.queues}
                  columns={[
                    { title: t('monitoring.queue'), dataIndex: 'queue' },
                    { title: t('monitoring.ready'), dataIndex: 'ready' },
                    { title: t('monitoring.lag'), dataIndex: 'lagSec', render: (s: number) => `${s} s` },
                  ]}
                />
              )}
            </Card>
          </Col>
        </Row>
      </div>
    </ConfigProvider>
  );
}

function Causes({ causes }: { causes: Record<string, number> }) {
  const top = Object.entries(causes)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3);
  if (!top.length) return <span>—</span>;
  return (
    <Space size={2} wrap>
      {top.map(([cause, n]) => (
        <Tag key={cause}>
          {cause} {n}
        </Tag>
      ))}
    </Space>
  );
}
