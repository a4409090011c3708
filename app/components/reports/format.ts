import type { TFunction } from 'i18next';
import type { ColumnKind } from '../../modules/reports/report-types';

/** Seconds as h:mm:ss (talk and wrap totals run to hours). */
export function duration(sec: number): string {
  const s = Math.round(sec);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return `${h}:${String(m).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

// A fixed locale: the server and the browser must render the same text (hydration).
const integer = new Intl.NumberFormat('en-US');
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A report cell for display: rates as percentages, durations as h:mm:ss, codes translated. */
export function formatCell(key: string, kind: ColumnKind, value: unknown, t: TFunction, _row?: Record<string, unknown>): string {
  if (value === null || value === undefined || value === '') return '—';
  if (kind === 'pct') return `${(Number(value) * 100).toFixed(1)}%`;
  if (kind === 'sec') return duration(Number(value));
  if (kind === 'money') return money.format(Number(value));
  if (kind === 'int') return integer.format(Number(value));
  if (key === 'stage') return t(`reports.stages.${value}`);
  if (key === 'outcome') return t(`reports.outcomes.${value}`, { defaultValue: String(value) });
  return String(value);
}
