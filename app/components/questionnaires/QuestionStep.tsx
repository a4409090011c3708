import { Alert, Button, Checkbox, Input, InputNumber, Radio, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { QuestionView } from '../../modules/questionnaires/view';

export interface QuestionStepProps {
  question: QuestionView;
  onAnswer(value: unknown): void;
  onBack?: () => void;
  canGoBack: boolean;
  busy?: boolean;
  /** A translated error from the last answer (validation on the server or in the preview). */
  error?: string | null;
  /** Large touch targets for the customer's phone. */
  mobile?: boolean;
}

/**
 * One question and its answer control, the same for the agent, the online customer and the
 * editor's preview. Options can be picked with the number keys 1–9 (agents keep their hands on
 * the keyboard); Enter submits.
 */
export function QuestionStep({ question, onAnswer, onBack, canGoBack, busy, error, mobile }: QuestionStepProps) {
  const { t } = useTranslation();
  const [value, setValue] = useState<unknown>(question.type === 'multiple' ? [] : null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new question (node id) starts with an empty answer
  useEffect(() => setValue(question.type === 'multiple' ? [] : null), [question.nodeId, question.type]);
  const size = mobile ? 'large' : 'middle';

  useEffect(() => {
    if (mobile) return;
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'TEXTAREA'].includes(target.tagName)) return;
      const index = Number(event.key) - 1;
      const option = question.options[index];
      if (option && question.type === 'single') setValue(option.code);
      if (option && question.type === 'multiple')
        setValue((v: unknown) => {
          const list = (v as string[]) ?? [];
          return list.includes(option.code) ? list.filter((c) => c !== option.code) : [...list, option.code];
        });
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [question, mobile]);

  const submit = (answer: unknown = value) => onAnswer(answer);
  const control = (() => {
    switch (question.type) {
      case 'single':
        return (
          <Radio.Group value={value} onChange={(e) => setValue(e.target.value)} style={{ width: '100%' }}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {question.options.map((o, i) => (
                <Radio key={o.code} value={o.code} style={mobile ? { fontSize: 17, padding: '6px 0' } : undefined}>
                  {mobile ? null : <Tag>{i + 1}</Tag>}
                  {o.label}
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        );
      case 'multiple':
        return (
          <Checkbox.Group value={value as string[]} onChange={(v) => setValue(v)} style={{ width: '100%' }}>
            <Space orientation="vertical">
              {question.options.map((o, i) => (
                <Checkbox key={o.code} value={o.code} style={mobile ? { fontSize: 17, padding: '6px 0' } : undefined}>
                  {mobile ? null : <Tag>{i + 1}</Tag>}
                  {o.label}
                </Checkbox>
              ))}
            </Space>
          </Checkbox.Group>
        );
      case 'text':
        return (
          <Input.TextArea
            rows={3}
            maxLength={2000}
            value={(value as string) ?? ''}
            onChange={(e) => setValue(e.target.value)}
            aria-label={question.text}
          />
        );
      case 'number':
        return (
          <InputNumber
            size={size}
            min={question.min}
            max={question.max}
            value={value as number}
            onChange={(v) => setValue(v)}
            aria-label={question.text}
            style={{ width: 200 }}
          />
        );
      case 'date':
        return (
          <Input
            type="date"
            size={size}
            value={(value as string) ?? ''}
            onChange={(e) => setValue(e.target.value)}
            aria-label={question.text}
            style={{ maxWidth: 220 }}
          />
        );
      case 'rating': {
        const min = question.min ?? 0;
        const max = question.max ?? 10;
        return (
          <Space wrap>
            {Array.from({ length: max - min + 1 }, (_, i) => min + i).map((n) => (
              <Button
                key={n}
                size={size}
                type={value === n ? 'primary' : 'default'}
                onClick={() => setValue(n)}
                style={{ minWidth: 44 }}
              >
                {n}
              </Button>
            ))}
          </Space>
        );
      }
      case 'yesNo':
        return (
          <Space>
            <Button size={size} type="primary" disabled={busy} onClick={() => submit(true)}>
              {t('questionnaires.runner.yes')}
            </Button>
            <Button size={size} disabled={busy} onClick={() => submit(false)}>
              {t('questionnaires.runner.no')}
            </Button>
          </Space>
        );
      case 'identity':
        return (
          <Input
            size={size}
            maxLength={40}
            value={(value as string) ?? ''}
            onChange={(e) => setValue(e.target.value)}
            onPressEnter={() => submit()}
            placeholder={t('questionnaires.runner.identityPlaceholder')}
            aria-label={question.text}
            style={{ maxWidth: 260 }}
          />
        );
      case 'script':
        return null;
    }
  })();
  const needsSubmit = question.type !== 'yesNo';

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="question-step" data-node={question.nodeId}>
      <Typography.Text type="secondary">
        {t(`questionnaires.categories.${question.category}`, { defaultValue: question.category })}
        {question.required ? '' : ` · ${t('questionnaires.runner.optional')}`}
      </Typography.Text>
      <Typography.Paragraph
        style={{ fontSize: mobile ? 19 : 16, marginBottom: 0, whiteSpace: 'pre-wrap' }}
        strong={question.type !== 'script'}
      >
        {question.text}
      </Typography.Paragraph>
      {question.help ? <Typography.Text type="secondary">{question.help}</Typography.Text> : null}
      {control}
      {error ? <Alert type="error" showIcon message={error} /> : null}
      <Space>
        {canGoBack && onBack ? (
          <Button size={size} onClick={onBack} disabled={busy}>
            {t('questionnaires.runner.back')}
          </Button>
        ) : null}
        {needsSubmit ? (
          <Button size={size} type="primary" loading={busy} onClick={() => submit()} data-testid="answer-next">
            {question.type === 'script'
              ? t('questionnaires.runner.read')
              : question.type === 'identity'
                ? t('questionnaires.runner.verify')
                : t('questionnaires.runner.next')}
          </Button>
        ) : null}
      </Space>
    </Space>
  );
}
