import { Alert, Card, Empty, List, Progress, Result, Segmented, Space, Typography } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RunnerState } from '../../modules/questionnaires/view';
import { QuestionStep } from '../questionnaires/QuestionStep';
import { postJson } from './useAgentLive';

type ScriptAnswer = { ok: true; state: RunnerState } | { ok: false; error: string; params?: Record<string, unknown> };

/**
 * The task's questionnaire on the call in hand: one question at a time (number keys pick options,
 * Enter answers) or the whole path so far; identity answers are checked on the server, jumps
 * follow the published flow.
 */
export function ScriptPanel({ attemptId, onState }: { attemptId: string; onState?: (state: RunnerState | null) => void }) {
  const { t } = useTranslation();
  const [state, setState] = useState<RunnerState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [view, setView] = useState<'step' | 'path'>('step');

  const apply = useCallback(
    (answer: ScriptAnswer) => {
      if (answer.ok) {
        setState(answer.state);
        onState?.(answer.state);
        setError(null);
      } else setError(t(answer.error, { ...answer.params, defaultValue: t('workstation.script.failed') }));
    },
    [onState, t],
  );

  useEffect(() => {
    setState(null);
    void postJson<ScriptAnswer>('/agent/script', { intent: 'open', attemptId }).then(apply);
  }, [attemptId, apply]);

  const send = async (body: Record<string, unknown>) => {
    setBusy(true);
    try {
      apply(await postJson<ScriptAnswer>('/agent/script', body));
    } finally {
      setBusy(false);
    }
  };

  if (error && !state) return <Alert type="info" showIcon message={error} />;
  if (!state) return <Card size="small" loading title={t('workstation.script.title')} />;
  const total = state.answered.length + state.questionsAhead + (state.question ? 1 : 0);
  return (
    <Card
      size="small"
      title={t('workstation.script.title')}
      data-testid="script"
      extra={
        <Segmented
          size="small"
          value={view}
          onChange={(v) => setView(v as 'step' | 'path')}
          options={[
            { value: 'step', label: t('workstation.script.oneByOne') },
            { value: 'path', label: t('workstation.script.path') },
          ]}
        />
      }
    >
      <Progress percent={total ? Math.round((state.answered.length / total) * 100) : 100} size="small" showInfo={false} />
      {view === 'path' || !state.question ? (
        <List
          size="small"
          dataSource={state.answered}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          renderItem={(a, i) => (
            <List.Item>
              <Space orientation="vertical" size={0}>
                <Typography.Text type="secondary">
                  {i + 1}. {a.text}
                </Typography.Text>
                <Typography.Text strong>{a.answer}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      ) : null}
      {state.question && view === 'step' ? (
        <QuestionStep
          question={state.question}
          canGoBack={state.canGoBack}
          busy={busy}
          error={error}
          onAnswer={(value) =>
            void send({ intent: 'answer', responseId: state.responseId, nodeId: state.question?.nodeId, value })
          }
          onBack={() => void send({ intent: 'back', responseId: state.responseId })}
        />
      ) : null}
      {state.status === 'completed' ? (
        <Result
          status="success"
          title={t('workstation.script.done')}
          subTitle={state.outcome ? t('workstation.script.outcome', { outcome: state.outcome }) : undefined}
          data-testid="script-done"
        />
      ) : null}
    </Card>
  );
}
