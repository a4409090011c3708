import { Alert, Button, Card, Input, InputNumber, Radio, Segmented, Select, Space, Switch, Table, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AGGREGATE_SCOPE, formulaRow, SAMPLE_FIGURES } from '../../modules/performance/metrics';
import {
  defaultConfig,
  SCHEME_KINDS,
  type SchemeInput,
  type SchemeKind,
  type SchemeProblem,
  TIER_MODES,
  type Tier,
  validateScheme,
} from '../../modules/performance/scheme-schema';
import { FormulaEditor, RuleErrors } from '../rules';

interface Props {
  value: SchemeInput;
  onChange: (value: SchemeInput) => void;
  projects: { id: string; name: string }[];
  teams: { id: string; name: string }[];
  /** Problems the server found on save (the editor shows its own live ones too). */
  serverProblems: SchemeProblem[];
}

const FORMULA_SAMPLES = SAMPLE_FIGURES.map(formulaRow);

export function SchemeProblems({ problems }: { problems: SchemeProblem[] }) {
  const { t } = useTranslation();
  if (!problems.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid="scheme-problems"
      message={
        <Space orientation="vertical">
          {problems.map((p) => (
            <span key={`${p.field}:${p.key}:${p.rule?.from ?? ''}`}>
              {t(`performance.errors.${p.key}`, p.params ?? {})}
              {p.rule ? <RuleErrors errors={[p.rule]} /> : null}
            </span>
          ))}
        </Space>
      }
    />
  );
}

/** A scheme's settings: scope, kind, weights or formula terms, tier bands and rank visibility. */
export function SchemeEditor({ value, onChange, projects, teams, serverProblems }: Props) {
  const { t } = useTranslation();
  const config = value.config;
  const setConfig = (c: Partial<SchemeInput['config']>) => onChange({ ...value, config: { ...config, ...c } });
  const live = useMemo(() => validateScheme(value), [value]);
  // Each term's own sandbox test panel is opened on demand (the scheme's panel scores the whole scheme).
  const [testing, setTesting] = useState<number | null>(null);
  const setTier = (i: number, tier: Partial<Tier>) =>
    setConfig({ tiers: config.tiers.map((x, j) => (j === i ? { ...x, ...tier } : x)) });

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="scheme-editor">
      <Input
        data-testid="scheme-name"
        addonBefore={t('performance.schemes.name')}
        value={value.name}
        onChange={(e) => onChange({ ...value, name: e.target.value })}
      />
      <Space wrap>
        <Segmented
          value={value.scopeKind}
          options={[
            { value: 'project', label: t('performance.schemes.project') },
            { value: 'team', label: t('performance.schemes.team') },
          ]}
          onChange={(scopeKind) => onChange({ ...value, scopeKind: scopeKind as SchemeInput['scopeKind'] })}
        />
        {value.scopeKind === 'project' ? (
          <Select
            data-testid="scheme-project"
            style={{ minWidth: 240 }}
            placeholder={t('performance.schemes.project')}
            value={value.projectId ?? undefined}
            options={projects.map((p) => ({ value: p.id, label: p.name }))}
            onChange={(projectId) => onChange({ ...value, projectId })}
          />
        ) : (
          <Select
            data-testid="scheme-team"
            style={{ minWidth: 240 }}
            placeholder={t('performance.schemes.team')}
            value={value.skillGroupId ?? undefined}
            options={teams.map((g) => ({ value: g.id, label: g.name }))}
            onChange={(skillGroupId) => onChange({ ...value, skillGroupId })}
          />
        )}
        <Input
          style={{ width: 260 }}
          addonBefore={t('performance.schemes.timeZone')}
          value={value.timeZone}
          onChange={(e) => onChange({ ...value, timeZone: e.target.value })}
        />
        <Space>
          <Switch checked={value.active} onChange={(active) => onChange({ ...value, active })} />
          {t('performance.schemes.active')}
        </Space>
        <Space>
          <Switch data-testid="scheme-show-rank" checked={config.showRank} onChange={(showRank) => setConfig({ showRank })} />
          {t('performance.schemes.showRank')}
        </Space>
      </Space>
      <Space wrap>
        <Typography.Text strong>{t('performance.schemes.kind')}</Typography.Text>
        <Select
          data-testid="scheme-kind"
          style={{ minWidth: 220 }}
          value={config.kind}
          options={SCHEME_KINDS.map((k) => ({ value: k, label: t(`performance.kinds.${k}`) }))}
          onChange={(kind: SchemeKind) => onChange({ ...value, config: { ...defaultConfig(kind), showRank: config.showRank } })}
        />
        {config.kind !== 'formula' ? (
          <InputNumber
            data-testid="scheme-weight"
            addonBefore={t(`performance.weights.${config.kind}`)}
            value={config.weight}
            onChange={(weight) => setConfig({ weight: weight ?? 0 })}
          />
        ) : null}
      </Space>
      {config.kind === 'formula' ? (
        <Card size="small" title={t('performance.schemes.terms')}>
          <Space orientation="vertical" style={{ width: '100%' }}>
            <Typography.Text type="secondary">{t('performance.schemes.termsHint')}</Typography.Text>
            {config.terms.map((term, i) => (
              <Card
                // biome-ignore lint/suspicious/noArrayIndexKey: terms have no id of their own; a term is its place in the list
                key={i}
                size="small"
                data-testid={`term-${i}`}
                title={
                  <Space>
                    <Input
                      placeholder={t('performance.schemes.termLabel')}
                      value={term.label}
                      onChange={(e) =>
                        setConfig({ terms: config.terms.map((x, j) => (j === i ? { ...x, label: e.target.value } : x)) })
                      }
                    />
                    <InputNumber
                      addonBefore={t('performance.breakdown.weight')}
                      value={term.weight}
                      onChange={(w) => setConfig({ terms: config.terms.map((x, j) => (j === i ? { ...x, weight: w ?? 0 } : x)) })}
                    />
                  </Space>
                }
                extra={
                  <Space>
                    <Button size="small" onClick={() => setTesting(testing === i ? null : i)} data-testid={`term-test-${i}`}>
                      {t('performance.schemes.testTerm')}
                    </Button>
                    <Button danger size="small" onClick={() => setConfig({ terms: config.terms.filter((_, j) => j !== i) })}>
                      {t('performance.schemes.remove')}
                    </Button>
                  </Space>
                }
              >
                <FormulaEditor
                  scope={AGGREGATE_SCOPE}
                  value={term.formula}
                  expect="number"
                  samples={testing === i ? FORMULA_SAMPLES : undefined}
                  onChange={(formula) => setConfig({ terms: config.terms.map((x, j) => (j === i ? { ...x, formula } : x)) })}
                />
              </Card>
            ))}
            <Button onClick={() => setConfig({ terms: [...config.terms, { label: '', formula: '', weight: 1 }] })}>
              {t('performance.schemes.addTerm')}
            </Button>
          </Space>
        </Card>
      ) : null}
      <Card size="small" title={t('performance.breakdown.tiers')}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Radio.Group value={config.tierMode} onChange={(e) => setConfig({ tierMode: e.target.value })}>
            {TIER_MODES.map((m) => (
              <Radio key={m} value={m}>
                {t(`performance.tierModes.${m}`)}
              </Radio>
            ))}
          </Radio.Group>
          <Typography.Text type="secondary">{t(`performance.tierModeHint.${config.tierMode}`)}</Typography.Text>
          <Table
            size="small"
            pagination={false}
            rowKey={(_, i) => String(i)}
            dataSource={config.tiers}
            data-testid="tiers"
            locale={{ emptyText: t('performance.schemes.noTiers') }}
            columns={[
              {
                title: t('performance.schemes.from'),
                render: (_, tier, i) => <InputNumber value={tier.from} onChange={(from) => setTier(i, { from: from ?? 0 })} />,
              },
              {
                title: t('performance.schemes.to'),
                render: (_, tier, i) => (
                  <InputNumber placeholder="∞" value={tier.to ?? undefined} onChange={(to) => setTier(i, { to: to ?? null })} />
                ),
              },
              {
                title: t('performance.breakdown.rate'),
                render: (_, tier, i) => (
                  <InputNumber addonAfter="%" value={tier.rate} onChange={(rate) => setTier(i, { rate: rate ?? 0 })} />
                ),
              },
              {
                title: '',
                render: (_, __, i) => (
                  <Button size="small" danger onClick={() => setConfig({ tiers: config.tiers.filter((_, j) => j !== i) })}>
                    {t('performance.schemes.remove')}
                  </Button>
                ),
              },
            ]}
          />
          <Button
            onClick={() => {
              const last = config.tiers[config.tiers.length - 1];
              const from = last ? (last.to ?? last.from + 1) : 0;
              setConfig({ tiers: [...config.tiers, { from, to: null, rate: last?.rate ?? 100 }] });
            }}
          >
            {t('performance.schemes.addTier')}
          </Button>
        </Space>
      </Card>
      <SchemeProblems problems={serverProblems.length ? serverProblems : live} />
    </Space>
  );
}
