import { Button, Card, Col, Form, Input, Row, Select, Space, Switch, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { AGENT_WEIGHT_SCOPE, scoreScope } from '../../modules/tasks/assignment-scope';
import { ASSIGNMENT_MODES, type Segment } from '../../modules/tasks/task-schema';
import type { Condition } from '../../rules/condition';
import type { RuleScope } from '../../rules/types';
import { ConditionBuilder, EMPTY_CONDITION, FormulaEditor } from '../rules';

// Row keys for editable lists (crypto.randomUUID needs a secure context; plain HTTP intranets have none).
let keyCounter = 0;
export const newKey = () => `k${++keyCounter}`;

export type SegmentDraft = Omit<Segment, 'condition'> & { condition: Condition; key: string };
type Option = { value: string; label: string };

interface Props {
  mode: string;
  scope: RuleScope;
  groupOptions: Option[];
  agentOptions: Option[];
  weightFormula: string;
  onWeightFormula: (v: string) => void;
  scoreFormula: string;
  onScoreFormula: (v: string) => void;
  segments: SegmentDraft[];
  onSegments: (v: SegmentDraft[]) => void;
  disabled?: boolean;
}

/** The task form's assignment card: the rule, its formulas, segment rules with their fallback. */
export function AssignmentSettings({
  mode,
  scope,
  groupOptions,
  agentOptions,
  weightFormula,
  onWeightFormula,
  scoreFormula,
  onScoreFormula,
  segments,
  onSegments,
  disabled,
}: Props) {
  const { t } = useTranslation();
  const score = useMemo(() => scoreScope(scope), [scope]);
  return (
    <Card size="small" title={t('tasks.form.assignment')} style={{ marginBottom: 16 }}>
      <Row gutter={16}>
        <Col span={8}>
          <Form.Item name={['assignment', 'mode']} label={t('tasks.form.assignmentMode')}>
            <Select
              optionFilterProp="label"
              data-testid="assignment-mode"
              options={ASSIGNMENT_MODES.map((m) => ({ value: m, label: t(`tasks.modes.${m}`) }))}
            />
          </Form.Item>
        </Col>
        <Col span={16}>
          <Typography.Paragraph type="secondary" style={{ marginTop: 30 }}>
            {t(`tasks.modeHelp.${mode}`)}
          </Typography.Paragraph>
        </Col>
      </Row>
      {mode === 'pool' ? (
        <Form.Item name={['assignment', 'proficiencyRouting']} label={t('tasks.form.proficiencyRouting')} valuePropName="checked">
          <Switch />
        </Form.Item>
      ) : null}
      {mode === 'even' || mode === 'segments' || mode === 'formula' ? (
        <Form.Item label={t('tasks.form.weightFormula')} extra={t('tasks.form.weightHelp')}>
          <FormulaEditor scope={AGENT_WEIGHT_SCOPE} value={weightFormula} onChange={onWeightFormula} expect="number" />
        </Form.Item>
      ) : null}
      {mode === 'formula' ? (
        <Form.Item label={t('tasks.form.scoreFormula')} extra={t('tasks.form.scoreHelp')}>
          <FormulaEditor scope={score} value={scoreFormula} onChange={onScoreFormula} expect="number" />
        </Form.Item>
      ) : null}
      {mode === 'segments' ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {segments.map((segment, i) => (
            <Card
              key={segment.key}
              size="small"
              title={t('tasks.form.segment', { n: i + 1 })}
              extra={
                <Button size="small" danger onClick={() => onSegments(segments.filter((_, j) => j !== i))}>
                  {t('tasks.form.remove')}
                </Button>
              }
            >
              <Input
                placeholder={t('tasks.form.segmentLabel')}
                value={segment.label}
                onChange={(e) => onSegments(segments.map((s, j) => (j === i ? { ...s, label: e.target.value } : s)))}
                style={{ marginBottom: 8 }}
              />
              <ConditionBuilder
                scope={scope}
                value={segment.condition}
                onChange={(c) => onSegments(segments.map((s, j) => (j === i ? { ...s, condition: c } : s)))}
                disabled={disabled}
              />
              <Space style={{ marginTop: 8 }} wrap>
                <Select
                  optionFilterProp="label"
                  mode="multiple"
                  placeholder={t('tasks.form.skillGroups')}
                  style={{ minWidth: 240 }}
                  value={segment.skillGroupIds}
                  options={groupOptions}
                  onChange={(v) => onSegments(segments.map((s, j) => (j === i ? { ...s, skillGroupIds: v } : s)))}
                />
                <Select
                  optionFilterProp="label"
                  mode="multiple"
                  placeholder={t('tasks.form.agents')}
                  style={{ minWidth: 240 }}
                  value={segment.agentIds}
                  options={agentOptions}
                  onChange={(v) => onSegments(segments.map((s, j) => (j === i ? { ...s, agentIds: v } : s)))}
                />
              </Space>
            </Card>
          ))}
          <Button
            onClick={() =>
              onSegments([...segments, { condition: EMPTY_CONDITION, skillGroupIds: [], agentIds: [], label: '', key: newKey() }])
            }
            data-testid="add-segment"
          >
            {t('tasks.form.addSegment')}
          </Button>
          <Form.Item
            name={['assignment', 'fallbackGroups']}
            label={t('tasks.form.fallback')}
            extra={t('tasks.form.fallbackHelp')}
          >
            <Select optionFilterProp="label" mode="multiple" options={groupOptions} />
          </Form.Item>
        </Space>
      ) : null}
    </Card>
  );
}
