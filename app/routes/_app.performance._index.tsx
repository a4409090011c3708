import { Link, useLoaderData, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, DatePicker, Empty, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EChart } from '../components/EChart';
import { BreakdownView, formatFigure } from '../components/performance/Breakdown';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import type { LeaderboardRow } from '../modules/performance/leaderboard.server';
import { PERIODS } from '../modules/performance/periods';
import { leaderboardPage } from '../modules/performance/route.server';

// 绩效: the leaderboard of a scheme over a period. Agents see only their own row.
export const loader = withPermission('performance.view', async ({ request, user }) => ({
  ...(await leaderboardPage(user, new URL(request.url))),
  canManage: can(user.role, 'performance.manage'),
}));

const duration = (sec: number) => {
  const h = Math.floor(sec / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
};

// The figures shown per agent, in order: metric label key and how the value reads.
const FIGURE_COLUMNS: [string, (f: LeaderboardRow['figures']) => string | number][] = [
  ['calls', (f) => f.calls],
  ['connects', (f) => f.connects],
  ['successes', (f) => f.successes],
  ['talk', (f) => duration(f.talkSec)],
  ['wrap', (f) => duration(f.wrapSec)],
  ['salesAmount', (f) => formatFigure(f.salesAmount)],
  ['orders', (f) => f.orders],
  ['leads', (f) => f.leads],
];

export default function PerformancePage() {
  const { schemes, query, board, error, canManage } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) v ? next.set(k, v) : next.delete(k);
    setParams(next);
  };
  const exportHref = (format: 'csv' | 'xlsx') => {
    const next = new URLSearchParams(params);
    if (board) next.set('scheme', board.scheme.id);
    next.set('format', format);
    return `/performance/export?${next.toString()}`;
  };

  const trend = useMemo(
    () =>
      board && {
        tooltip: { trigger: 'axis' },
        legend: { type: 'scroll', top: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 28 },
        xAxis: { type: 'category', data: board.trend.days.map((d) => d.slice(5)) },
        yAxis: { type: 'value', name: t('performance.score') },
        series: board.trend.series.map((s) => ({ name: s.name, type: 'line', data: s.scores })),
      },
    [board, t],
  );

  const columns = [
    ...(board?.seesAll || board?.scheme.showRank
      ? [{ title: t('performance.rank'), dataIndex: 'rank', width: 72, render: (r: number | null) => r ?? '—' }]
      : []),
    {
      title: t('performance.agent'),
      render: (_: unknown, r: LeaderboardRow) => (
        <span data-testid="leaderboard-agent">
          {r.displayName} <Typography.Text type="secondary">{r.login}</Typography.Text>
        </span>
      ),
    },
    ...FIGURE_COLUMNS.map(([key, show]) => ({
      title: t(`performance.metrics.${key}`),
      render: (_: unknown, r: LeaderboardRow) => show(r.figures),
      align: 'right' as const,
    })),
    {
      title: t('performance.score'),
      align: 'right' as const,
      render: (_: unknown, r: LeaderboardRow) => (
        <Typography.Text strong data-testid="leaderboard-score">
          {formatFigure(r.score)}
        </Typography.Text>
      ),
    },
  ];

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      <Space wrap style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('performance.title')}
        </Typography.Title>
        {canManage ? (
          <Link to="/performance/schemes">
            <Button data-testid="manage-schemes">{t('performance.schemes.manage')}</Button>
          </Link>
        ) : null}
      </Space>
      {schemes.length === 0 ? (
        <Empty description={t(canManage ? 'performance.noSchemes' : 'performance.noSchemesForYou')} />
      ) : (
        <Space wrap>
          <Select
            data-testid="scheme-select"
            style={{ minWidth: 260 }}
            value={query.schemeId || undefined}
            options={schemes.map((s) => ({
              value: s.id,
              label: `${s.name} · ${s.scopeName}${s.active ? '' : ` (${t('performance.inactive')})`}`,
            }))}
            onChange={(scheme) => set({ scheme })}
          />
          <Segmented
            data-testid="period"
            value={query.period}
            options={PERIODS.map((p) => ({ value: p, label: t(`performance.periods.${p}`) }))}
            onChange={(period) => set({ period: String(period), from: undefined, to: undefined })}
          />
          {query.period === 'custom' ? (
            <DatePicker.RangePicker
              value={query.from && query.to ? [dayjs(query.from), dayjs(query.to)] : null}
              onChange={(v) => set({ from: v?.[0]?.format('YYYY-MM-DD'), to: v?.[1]?.format('YYYY-MM-DD') })}
            />
          ) : (
            <DatePicker
              data-testid="period-date"
              value={query.date ? dayjs(query.date) : null}
              placeholder={t('performance.today')}
              onChange={(v) => set({ date: v?.format('YYYY-MM-DD') })}
            />
          )}
          {board ? (
            <>
              <a href={exportHref('csv')} data-testid="export-csv">
                <Button>{t('performance.exportCsv')}</Button>
              </a>
              <a href={exportHref('xlsx')} data-testid="export-xlsx">
                <Button>{t('performance.exportXlsx')}</Button>
              </a>
            </>
          ) : null}
        </Space>
      )}
      {error ? <Alert type="error" showIcon message={t(`performance.errors.${error}`)} /> : null}
      {board ? (
        <>
          <Typography.Text type="secondary" data-testid="period-range">
            {board.scheme.scopeName} · {t(`performance.kinds.${board.scheme.kind}`)} · v{board.scheme.version} ·{' '}
            {board.range.first === board.range.last ? board.range.first : `${board.range.first} – ${board.range.last}`} (
            {board.scheme.timeZone})
          </Typography.Text>
          {!board.seesAll ? (
            <Alert
              type="info"
              showIcon
              data-testid="own-figures-note"
              message={
                board.rows[0]?.rank != null
                  ? t('performance.yourRank', { rank: board.rows[0].rank, of: board.ranked })
                  : t('performance.ownOnly')
              }
            />
          ) : null}
          <Card size="small">
            <Table<LeaderboardRow>
              data-testid="leaderboard"
              rowKey="agentId"
              size="small"
              pagination={false}
              dataSource={board.rows}
              columns={columns}
              expandable={{
                expandedRowRender: (r) => <BreakdownView breakdown={r.breakdown} />,
                expandRowByClick: true,
              }}
            />
          </Card>
          <Card size="small" title={t('performance.trend')}>
            {trend ? <EChart option={trend} height={280} testId="trend-chart" /> : null}
          </Card>
        </>
      ) : null}
      {board && board.rows.length === 0 ? <Tag>{t('performance.noRows')}</Tag> : null}
    </Space>
  );
}
