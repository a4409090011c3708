import { Descriptions, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Breakdown } from '../../modules/performance/scoring';
import { RuleErrors } from '../rules';

const fmt = (n: number | null) => (n === null ? '—' : n.toLocaleString(undefined, { maximumFractionDigits: 2 }));

/** How a score came about: each term's value × weight, the total, and the tier bands applied. */
export function BreakdownView({ breakdown, testId }: { breakdown: Breakdown; testId?: string }) {
  const { t } = useTranslation();
  const label = (term: Breakdown['terms'][number]) => (term.metric ? t(`performance.metrics.${term.metric}`) : term.label);
  return (
    <div data-testid={testId ?? 'breakdown'}>
      <Table
        size="small"
        pagination={false}
        rowKey={(_, i) => String(i)}
        dataSource={breakdown.terms}
        columns={[
          { title: t('performance.breakdown.term'), render: (_, term) => label(term) },
          { title: t('performance.breakdown.value'), render: (_, term) => fmt(term.value), align: 'right' },
          { title: t('performance.breakdown.weight'), render: (_, term) => `× ${fmt(term.weight)}`, align: 'right' },
          {
            title: t('performance.breakdown.points'),
            align: 'right',
            render: (_, term) => (
              <>
                = {fmt(term.points)}
                {term.error ? <RuleErrors errors={[term.error]} /> : null}
              </>
            ),
          },
        ]}
      />
      {breakdown.tiers.length ? (
        <>
          <Typography.Text strong>
            {t('performance.breakdown.tiers')} <Tag>{t(`performance.tierModes.${breakdown.tierMode}`)}</Tag>
          </Typography.Text>
          <Table
            size="small"
            pagination={false}
            rowKey={(_, i) => String(i)}
            dataSource={breakdown.tiers}
            data-testid="breakdown-tiers"
            columns={[
              { title: t('performance.breakdown.band'), render: (_, s) => `${fmt(s.from)} – ${s.to === null ? '∞' : fmt(s.to)}` },
              { title: t('performance.breakdown.amount'), render: (_, s) => fmt(s.amount), align: 'right' },
              { title: t('performance.breakdown.rate'), render: (_, s) => `× ${fmt(s.rate)} %`, align: 'right' },
              { title: t('performance.breakdown.points'), render: (_, s) => `= ${fmt(s.points)}`, align: 'right' },
            ]}
          />
        </>
      ) : null}
      <Descriptions size="small" column={2} style={{ marginTop: 8 }}>
        <Descriptions.Item label={t('performance.breakdown.total')}>{fmt(breakdown.total)}</Descriptions.Item>
        <Descriptions.Item label={t('performance.score')}>
          <Typography.Text strong data-testid="breakdown-score">
            {fmt(breakdown.score)}
          </Typography.Text>
        </Descriptions.Item>
      </Descriptions>
    </div>
  );
}

export { fmt as formatFigure };
