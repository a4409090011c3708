import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ReportResult, ReportTable } from '../../modules/reports/report-types';
import { EChart } from '../EChart';

// The chart beside each report, drawn from the report's own tables (what you see is what is exported).

const col = (table: ReportTable | undefined, key: string) => (table?.rows ?? []).map((r) => r[key] ?? 0);

export function ReportChart({ result }: { result: ReportResult }) {
  const { t } = useTranslation();
  const option = useMemo((): Record<string, unknown> => {
    const [main, second] = result.tables;
    const label = (key: string) => t(`reports.columns.${key}`);
    const bars = (table: ReportTable | undefined, x: string, keys: string[], stack?: boolean) => ({
      tooltip: { trigger: 'axis' },
      legend: { data: keys.map(label) },
      grid: { left: 48, right: 24, bottom: 48 },
      xAxis: { type: 'category', data: col(table, x), axisLabel: { rotate: (table?.rows.length ?? 0) > 12 ? 45 : 0 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: keys.map((k) => ({ name: label(k), type: 'bar', stack: stack ? 'all' : undefined, data: col(table, k) })),
    });
    switch (result.name) {
      case 'funnel':
        return {
          tooltip: { trigger: 'item' },
          series: [
            {
              type: 'funnel',
              sort: 'none',
              left: '10%',
              width: '80%',
              label: { formatter: '{b}: {c}' },
              data: (main?.rows ?? []).map((r) => ({ name: t(`reports.stages.${r.stage}`), value: r.contacts })),
            },
          ],
        };
      case 'volume': {
        const days = bars(main, 'day', ['attempts', 'connected']);
        const hours = bars(second, 'hourOfDay', ['attempts', 'connected']);
        return {
          tooltip: { trigger: 'axis' },
          legend: days.legend,
          grid: [
            { left: 48, right: '52%', bottom: 48 },
            { left: '56%', right: 24, bottom: 48 },
          ],
          xAxis: [
            { ...days.xAxis, gridIndex: 0 },
            { ...hours.xAxis, gridIndex: 1 },
          ],
          yAxis: [
            { type: 'value', minInterval: 1, gridIndex: 0 },
            { type: 'value', minInterval: 1, gridIndex: 1 },
          ],
          series: [
            ...days.series.map((s) => ({ ...s, type: 'line', xAxisIndex: 0, yAxisIndex: 0 })),
            ...hours.series.map((s) => ({ ...s, xAxisIndex: 1, yAxisIndex: 1 })),
          ],
        };
      }
      case 'dispositions':
        return {
          tooltip: { trigger: 'item' },
          legend: { type: 'scroll', orient: 'vertical', right: 0 },
          series: [
            {
              type: 'pie',
              radius: ['40%', '70%'],
              data: (main?.rows ?? []).map((r) => ({ name: String(r.label ?? r.disposition), value: r.count })),
            },
          ],
        };
      case 'agents':
        return bars({ ...main!, rows: (main?.rows ?? []).slice(0, 30) }, 'agent', ['calls', 'connects', 'successes']);
      case 'lines':
        return {
          tooltip: { trigger: 'axis' },
          legend: { data: [label('attempts'), label('asr')] },
          grid: { left: 48, right: 48, bottom: 48 },
          xAxis: { type: 'category', data: (main?.rows ?? []).map((r) => `${r.callerId} (${r.trunk})`) },
          yAxis: [
            { type: 'value', minInterval: 1 },
            { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
          ],
          series: [
            { name: label('attempts'), type: 'bar', data: col(main, 'attempts') },
            {
              name: label('asr'),
              type: 'line',
              yAxisIndex: 1,
              data: col(main, 'asr').map((v) => Math.round(Number(v) * 1000) / 10),
            },
          ],
        };
      case 'questionnaire':
        return bars(main, 'questionnaire', ['responses', 'completed']);
      case 'writeBacks':
        return bars(main, 'day', ['delivered', 'pending', 'dead', 'skipped'], true);
    }
  }, [result, t]);
  return <EChart option={option} height={300} testId="report-chart" />;
}
