import { Alert, Button, Card, Input, Space, Table, Tag, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { fieldLabel, type RuleScope, type ScopeRow } from '../../rules/types';
import { RuleErrors, useRuleErrorText } from './RuleErrors';
import { type RuleUnderTest, useRuleTest } from './useRuleTest';

interface Props {
  scope: RuleScope;
  /** The rule to run, or null while it has errors (the button is disabled then). */
  rule: RuleUnderTest | null;
  samples: ScopeRow[];
  onSamplesChange?: (rows: ScopeRow[]) => void;
}

function parseSamples(text: string): ScopeRow[] | null {
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value) || !value.every((r) => typeof r === 'object' && r !== null && !Array.isArray(r))) return null;
    return value as ScopeRow[];
  } catch {
    return null;
  }
}

function show(value: unknown): string {
  if (value === null || value === undefined) return '—';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** "Test against sample data": editable sample rows, run through the server-side sandbox. */
export function RuleTestPanel({ scope, rule, samples, onSamplesChange }: Props) {
  const { t, i18n } = useTranslation();
  const errorText = useRuleErrorText();
  const [text, setText] = useState(() => JSON.stringify(samples, null, 2));
  const rows = useMemo(() => parseSamples(text), [text]);
  const { run, reply, running } = useRuleTest();
  const [ranOn, setRanOn] = useState<ScopeRow[]>([]);

  const onRun = () => {
    if (!rule || !rows) return;
    setRanOn(rows);
    run(rule, scope, rows);
  };

  const isCondition = rule?.kind === 'condition';
  const data = reply?.ok
    ? ranOn.map((row, i) => ({ key: i, row, result: reply.results[i], error: reply.errors[i] ?? null }))
    : [];
  const matched = data.filter((d) => d.result === true).length;

  return (
    <Card size="small" title={t('rules.test')} data-testid="rule-test-panel">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('rules.samplesHint')}</Typography.Text>
        <Input.TextArea
          aria-label={t('rules.samples')}
          data-testid="rule-samples"
          value={text}
          autoSize={{ minRows: 4, maxRows: 14 }}
          style={{ fontFamily: 'monospace', fontSize: 12 }}
          onChange={(e) => {
            setText(e.target.value);
            const parsed = parseSamples(e.target.value);
            if (parsed) onSamplesChange?.(parsed);
          }}
        />
        {rows ? null : <Alert type="warning" showIcon title={t('rules.samplesInvalid')} />}
        <Button type="primary" onClick={onRun} loading={running} disabled={!rule || !rows} data-testid="rule-run">
          {t('rules.test')}
        </Button>
        {reply && !reply.ok ? <RuleErrors errors={reply.errors} testId="rule-test-errors" /> : null}
        {reply?.ok ? (
          <>
            {isCondition ? (
              <Typography.Text data-testid="rule-match-count">
                {t('rules.matchCount', { count: matched, total: data.length })}
              </Typography.Text>
            ) : null}
            <Table
              size="small"
              pagination={false}
              scroll={{ x: true }}
              dataSource={data}
              data-testid="rule-results"
              columns={[
                { title: '#', render: (_, d) => d.key + 1, width: 40 },
                ...scope.fields.map((f) => ({
                  title: fieldLabel(f, i18n.language),
                  key: f.name,
                  render: (_: unknown, d: (typeof data)[number]) => show(d.row[f.name]),
                })),
                {
                  title: t('rules.result'),
                  key: 'result',
                  fixed: 'right' as const,
                  render: (_: unknown, d: (typeof data)[number]) =>
                    d.error ? (
                      <Typography.Text type="danger" data-testid={`rule-result-${d.key}`}>
                        {errorText(d.error)}
                      </Typography.Text>
                    ) : isCondition ? (
                      <Tag
                        color={d.result ? 'green' : 'default'}
                        data-testid={`rule-result-${d.key}`}
                        data-match={String(d.result === true)}
                      >
                        {d.result ? t('rules.matches') : t('rules.noMatch')}
                      </Tag>
                    ) : (
                      <Typography.Text code data-testid={`rule-result-${d.key}`}>
                        {show(d.result)}
                      </Typography.Text>
                    ),
                },
              ]}
            />
          </>
        ) : null}
      </Space>
    </Card>
  );
}
