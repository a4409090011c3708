import { Card, Col, Row, Segmented, Space, Tabs, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConditionBuilder, EMPTY_CONDITION } from '../components/rules/ConditionBuilder';
import { FormulaEditor } from '../components/rules/FormulaEditor';
import { withPermission } from '../modules/auth/guard.server';
import { type Condition, checkCondition } from '../rules/condition';
import { conditionToSql } from '../rules/condition-sql';
import { AGENT_SAMPLES, AGENT_SCOPE, CONTACT_SAMPLES, CONTACT_SCOPE, SAMPLE_FORMULA } from '../rules/samples';

// 配置 → 规则试验台: try a condition or a formula on sample rows, in the real sandbox. The test
// panel posts to /api/rules/evaluate, the same endpoint every module's editors use.

export const loader = withPermission('rules.test', () => ({ ok: true }));

const SCOPES = {
  contact: { scope: CONTACT_SCOPE, samples: CONTACT_SAMPLES },
  agentPeriod: { scope: AGENT_SCOPE, samples: AGENT_SAMPLES },
};
type ScopeKey = keyof typeof SCOPES;

function SqlPreview({ condition }: { condition: Condition }) {
  const { t } = useTranslation();
  const fragment = useMemo(() => {
    const checked = checkCondition(condition, CONTACT_SCOPE);
    if (!checked.ok) return null;
    const columns = Object.fromEntries(CONTACT_SCOPE.fields.map((f) => [f.name, `"${f.name}"`]));
    return conditionToSql(checked.value, CONTACT_SCOPE, columns);
  }, [condition]);
  if (!fragment) return null;
  return (
    <Card size="small" title={t('rules.sql')}>
      <Typography.Paragraph code copyable data-testid="condition-sql" style={{ whiteSpace: 'pre-wrap' }}>
        {fragment.sql}
      </Typography.Paragraph>
      <Typography.Text type="secondary">
        {t('rules.sqlParams')}: <Typography.Text code>{JSON.stringify(fragment.params)}</Typography.Text>
      </Typography.Text>
    </Card>
  );
}

export default function RulesPlayground() {
  const { t } = useTranslation();
  const [condition, setCondition] = useState<Condition>(EMPTY_CONDITION);
  const [scopeKey, setScopeKey] = useState<ScopeKey>('agentPeriod');
  const [formula, setFormula] = useState(SAMPLE_FORMULA);
  const current = SCOPES[scopeKey];
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Typography.Title level={3}>{t('rules.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('rules.intro')}</Typography.Paragraph>
      <Tabs
        items={[
          {
            key: 'condition',
            label: t('rules.tabs.condition'),
            children: (
              <Row gutter={[16, 16]}>
                <Col span={24}>
                  <Typography.Text strong>
                    {t('rules.scope')}: {t('rules.scopes.contact')}
                  </Typography.Text>
                </Col>
                <Col span={24}>
                  <ConditionBuilder scope={CONTACT_SCOPE} value={condition} onChange={setCondition} samples={CONTACT_SAMPLES} />
                </Col>
                <Col span={24}>
                  <SqlPreview condition={condition} />
                </Col>
              </Row>
            ),
          },
          {
            key: 'formula',
            label: t('rules.tabs.formula'),
            children: (
              <Space orientation="vertical" style={{ width: '100%' }}>
                <Space>
                  <Typography.Text strong>{t('rules.scope')}:</Typography.Text>
                  <Segmented
                    data-testid="formula-scope"
                    value={scopeKey}
                    onChange={(v) => setScopeKey(v as ScopeKey)}
                    options={(Object.keys(SCOPES) as ScopeKey[]).map((k) => ({ value: k, label: t(`rules.scopes.${k}`) }))}
                  />
                </Space>
                <FormulaEditor
                  key={scopeKey}
                  scope={current.scope}
                  value={formula}
                  onChange={setFormula}
                  samples={current.samples}
                />
              </Space>
            ),
          },
        ]}
      />
    </Space>
  );
}
