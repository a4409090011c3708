import { Button, Card, Form, Input, Select, Space, Switch, Tag, Timeline, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Answers, nextStep, withoutLastAnswer } from '../../modules/questionnaires/engine';
import type { FlowGraph } from '../../modules/questionnaires/graph';
import { checkAnswer } from '../../modules/questionnaires/question';
import { answerText, questionView } from '../../modules/questionnaires/view';
import type { RuleScope, ScopeRow } from '../../rules';
import { QuestionStep } from './QuestionStep';

export interface FlowPreviewProps {
  /** The flow with conditions normalised (what publishing would store). */
  graph: FlowGraph;
  scope: RuleScope;
  knownTags: string[];
  /** Tells the canvas which nodes the run has visited. */
  onPath(path: string[]): void;
}

/**
 * Runs the draft as the agent would see it, with a sample contact whose tags and fields are
 * chosen here; shows the path taken and the questions skipped by display conditions. The engine
 * is the same pure function the server runs.
 */
export function FlowPreview({ graph, scope, knownTags, onPath }: FlowPreviewProps) {
  const { t, i18n } = useTranslation();
  const [tags, setTags] = useState<string[]>([]);
  const [values, setValues] = useState<Record<string, string>>({});
  const [identityPasses, setIdentityPasses] = useState(true);
  const [answers, setAnswers] = useState<Answers>({});
  const [error, setError] = useState<string | null>(null);
  const fields = scope.fields.filter(
    (f) =>
      !f.name.startsWith('answer_') &&
      ['text', 'number', 'choice', 'date'].includes(f.type) &&
      !['status', 'consent'].includes(f.name),
  );

  const contact = useMemo<ScopeRow>(() => {
    const row: ScopeRow = { tags, status: 'open', attempts: 0, dnc: false };
    for (const f of fields) {
      const raw = values[f.name];
      if (raw === undefined || raw === '') continue;
      row[f.name] = f.type === 'number' ? Number(raw) : raw;
    }
    return row;
  }, [tags, values, fields]);
  const step = useMemo(() => nextStep(graph, contact, answers), [graph, contact, answers]);
  useEffect(() => onPath(step.path), [step, onPath]);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const restart = () => {
    setAnswers({});
    setError(null);
  };

  const answer = (raw: unknown) => {
    if (step.kind !== 'question' || !step.node.question) return;
    const q = step.node.question;
    const checked = checkAnswer({ type: q.type, content: q.content }, raw);
    if (!checked.ok) {
      setError(t(`questionnaires.${checked.key}`, checked.params ?? {}));
      return;
    }
    setError(null);
    setAnswers({ ...answers, [step.node.id]: q.type === 'identity' ? identityPasses : checked.value });
  };

  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="middle" data-testid="flow-preview">
      <Card size="small" title={t('questionnaires.preview.sample')}>
        <Form layout="vertical" size="small">
          <Form.Item label={t('questionnaires.preview.tags')}>
            <Select
              data-testid="preview-tags"
              mode="tags"
              value={tags}
              onChange={(v) => {
                setTags(v);
                restart();
              }}
              options={knownTags.map((tag) => ({ value: tag, label: tag }))}
            />
          </Form.Item>
          {fields
            .filter((f) => f.name !== 'tags')
            .slice(0, 8)
            .map((f) => (
              <Form.Item
                key={f.name}
                label={i18n.language === 'en' ? f.label?.en : f.label?.['zh-CN']}
                style={{ marginBottom: 6 }}
              >
                <Input
                  value={values[f.name] ?? ''}
                  onChange={(e) => {
                    setValues({ ...values, [f.name]: e.target.value });
                    restart();
                  }}
                />
              </Form.Item>
            ))}
          <Space>
            <Switch checked={identityPasses} onChange={setIdentityPasses} size="small" />
            <span>{t('questionnaires.preview.identityPasses')}</span>
          </Space>
        </Form>
      </Card>
      <Card
        size="small"
        title={t('questionnaires.preview.run')}
        extra={
          <Button size="small" onClick={restart}>
            {t('questionnaires.preview.restart')}
          </Button>
        }
      >
        {step.kind === 'question' ? (
          <QuestionStep
            question={questionView(step.node, { ...contact, name: values.name || '张三' }, i18n.language)}
            onAnswer={answer}
            canGoBack={Object.keys(answers).length > 0}
            onBack={() => setAnswers(withoutLastAnswer(step, answers))}
            error={error}
          />
        ) : step.kind === 'end' ? (
          <Typography.Text strong data-testid="preview-end">
            {t('questionnaires.preview.ended', {
              outcome: t(`questionnaires.outcomes.${step.outcome}`, { defaultValue: step.outcome }),
            })}
          </Typography.Text>
        ) : (
          <Typography.Text type="danger">{t('questionnaires.preview.stuck', { node: step.nodeId })}</Typography.Text>
        )}
      </Card>
      <Card size="small" title={t('questionnaires.preview.path')}>
        <Timeline
          data-testid="preview-path"
          items={[
            ...step.path.map((id) => ({
              color: 'green',
              children: (
                <span data-testid={`path-${id}`}>
                  <Tag>{id}</Tag>
                  {Object.hasOwn(answers, id)
                    ? answerText(byId.get(id), answers[id], i18n.language)
                    : t('questionnaires.preview.current')}
                </span>
              ),
            })),
            ...step.skipped.map((id) => ({
              color: 'gray',
              children: (
                <span data-testid={`skipped-${id}`}>
                  <Tag>{id}</Tag>
                  {t('questionnaires.preview.skipped')}
                </span>
              ),
            })),
          ]}
        />
      </Card>
    </Space>
  );
}
