import { useLoaderData, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, DatePicker, Segmented, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { formatCell } from '../components/reports/format';
import { ReportChart } from '../components/reports/ReportChart';
import { prisma } from '../db/prisma.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { projectWhere, visibleProjectIds, visibleProjectsWhere } from '../modules/auth/project-access';
import { requireFilterAccess } from '../modules/auth/project-access.server';
import { parseFilters, REPORTS } from '../modules/reports/filters';
import type { ReportTable } from '../modules/reports/report-types';
import { runReport } from '../modules/reports/reports.server';
import { refreshIfStale } from '../modules/reports/rollup.server';
import { formatDateTime } from '../utils/format';

// 报表: the standard reports over the hourly rollups; every filter is in the URL.

const ZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Tokyo', 'Asia/Kolkata', 'Europe/London', 'America/New_York', 'UTC'];
/** The page folds in the last minute's calls itself if the rollup job has not run for this long. */
const CATCH_UP_MS = 30_000;

export const loader = withPermission('reports.view', async ({ request, user }) => {
  const url = new URL(request.url);
  const { filters, errors } = parseFilters(url.searchParams, { tz: user.timeZone });
  await requireFilterAccess(user, filters);
  await refreshIfStale(CATCH_UP_MS);
  // One after another: a report page holds one connection, however many people open reports.
  const result = await runReport({ ...filters, visible: visibleProjectIds(user) ?? undefined }, user.locale ?? 'zh-CN');
  const projects = await prisma.project.findMany({
    where: visibleProjectsWhere(user),
    orderBy: { createdAt: 'asc' },
    select: { id: true, name: true },
  });
  const tasks = await prisma.task.findMany({
    where: projectWhere(user),
    orderBy: { createdAt: 'desc' },
    select: { id: true, name: true, projectId: true },
    take: 500,
  });
  const teams = await prisma.skillGroup.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } });
  const agents = await prisma.user.findMany({
    where: { role: 'agent' },
    orderBy: { displayName: 'asc' },
    select: { id: true, displayName: true },
  });
  const state = await prisma.rollupState.findUnique({ where: { id: 'main' } });
  return {
    filters,
    errors,
    result,
    projects,
    tasks,
    teams,
    agents,
    freshAt: state?.watermark.toISOString() ?? null,
    canExport: can(user.role, 'reports.export'),
  };
});

function DataTable({ table }: { table: ReportTable }) {
  const { t } = useTranslation();
  return (
    <Table
      size="small"
      data-testid={`report-table-${table.key}`}
      rowKey={(_, i) => String(i)}
      pagination={table.rows.length > 50 ? { pageSize: 50, showSizeChanger: false } : false}
      dataSource={table.rows}
      columns={table.columns.map((c) => ({
        key: c.key,
        dataIndex: c.key,
        title: t(`reports.columns.${c.key}`),
        align: c.kind === 'text' ? undefined : ('right' as const),
        render: (v: unknown, row: Record<string, unknown>) => formatCell(c.key, c.kind, v, t, row),
      }))}
    />
  );
}

export default function ReportsPage() {
  const { filters, errors, result, projects, tasks, teams, agents, freshAt, canExport } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const set = (changes: Record<string, string | undefined>) => {
    const next = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v) next.set(k, v);
      else next.delete(k);
    }
    setParams(next);
  };
  const exportHref = (format: 'csv' | 'xlsx') => {
    const p = new URLSearchParams({ ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), format });
    return `/reports/export?${p}`;
  };
  const taskOptions = useMemo(
    () => tasks.filter((x) => !filters.project || x.projectId === filters.project).map((x) => ({ value: x.id, label: x.name })),
    [tasks, filters.project],
  );
  const zones = ZONES.includes(filters.tz) ? ZONES : [filters.tz, ...ZONES];

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
        <Typography.Title level={4} style={{ margin: 0 }}>
          {t('reports.title')}
        </Typography.Title>
        <Segmented
          data-testid="report-switch"
          value={filters.report}
          onChange={(v) => set({ report: String(v) })}
          options={REPORTS.map((r) => ({ value: r, label: t(`reports.names.${r}`) }))}
        />
      </Space>
      <Card size="small">
        <Space wrap>
          <Select
            allowClear
            data-testid="filter-project"
            style={{ width: 180 }}
            placeholder={t('reports.filters.project')}
            value={filters.project}
            onChange={(v) => set({ project: v, task: undefined })}
            options={projects.map((p) => ({ value: p.id, label: p.name }))}
          />
          <Select
            allowClear
            data-testid="filter-task"
            style={{ width: 180 }}
            placeholder={t('reports.filters.task')}
            value={filters.task}
            onChange={(v) => set({ task: v })}
            options={taskOptions}
          />
          <Select
            allowClear
            style={{ width: 150 }}
            placeholder={t('reports.filters.team')}
            value={filters.team}
            onChange={(v) => set({ team: v })}
            options={teams.map((g) => ({ value: g.id, label: g.name }))}
          />
          <Select
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 150 }}
            placeholder={t('reports.filters.agent')}
            value={filters.agent}
            onChange={(v) => set({ agent: v })}
            options={agents.map((a) => ({ value: a.id, label: a.displayName }))}
          />
          <DatePicker.RangePicker
            allowClear={false}
            value={[dayjs(filters.from), dayjs(filters.to)]}
            onChange={(range) => {
              if (range?.[0] && range[1]) set({ from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') });
            }}
          />
          <Select
            style={{ width: 170 }}
            value={filters.tz}
            aria-label={t('reports.filters.timeZone')}
            onChange={(v) => set({ tz: v })}
            options={zones.map((z) => ({ value: z, label: z }))}
          />
          {canExport ? (
            <>
              <a href={exportHref('csv')} download data-testid="export-csv">
                <Button>{t('reports.exportCsv')}</Button>
              </a>
              <a href={exportHref('xlsx')} download data-testid="export-xlsx">
                <Button>{t('reports.exportXlsx')}</Button>
              </a>
            </>
          ) : null}
        </Space>
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t(`reports.help.${filters.report}`)}{' '}
          {freshAt ? t('reports.freshAt', { at: formatDateTime(freshAt, filters.tz, i18n.language) }) : null}
        </Typography.Paragraph>
      </Card>
      {errors.length ? (
        <Alert
          type="warning"
          showIcon
          data-testid="filter-errors"
          message={errors
            .map((e) => t(`reports.errors.${e.message}`, { field: t(`reports.filters.${e.field}`), value: e.value }))
            .join(' · ')}
        />
      ) : null}
      {result.notes.map((n) => (
        <Alert key={n} type="info" showIcon message={t(`reports.notes.${n}`)} />
      ))}
      <Card size="small" title={t(`reports.names.${result.name}`)}>
        <ReportChart result={result} />
      </Card>
      {result.links?.length ? (
        <Card size="small" title={t('reports.questionnaireLinks')}>
          <Space wrap>
            {result.links.map((l) => (
              <a key={l.href} href={l.href}>
                {l.label}
              </a>
            ))}
          </Space>
        </Card>
      ) : null}
      {result.tables.map((table) => (
        <Card key={table.key} size="small" title={t(`reports.tables.${table.key}`)}>
          <DataTable table={table} />
        </Card>
      ))}
    </Space>
  );
}
