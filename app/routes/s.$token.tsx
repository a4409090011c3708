import type { MetaFunction } from '@remix-run/node';
import { useFetcher, useLoaderData } from '@remix-run/react';
import { Card, Progress, Result, Space, Typography } from 'antd';
import { useMemo } from 'react';
import { I18nextProvider, useTranslation } from 'react-i18next';
import { z } from 'zod';
import { QuestionStep } from '../components/questionnaires/QuestionStep';
import { createI18n, isLanguage } from '../i18n/i18n';
import { withPermission } from '../modules/auth/guard.server';
import { goBack, RunnerError, submitAnswer } from '../modules/questionnaires/runner.server';
import { closeLinkIfDone, LinkError, linkResponse, openSurveyLink } from '../modules/questionnaires/survey-links.server';

// The online channel's public page: a customer opens their personal link on a phone and answers
// the questionnaire. No login; the page knows the questionnaire and nothing else about the contact.

export const meta: MetaFunction = () => [
  { name: 'viewport', content: 'width=device-width, initial-scale=1' },
  { name: 'robots', content: 'noindex' },
];

export const loader = withPermission('public', async ({ request, params }) => {
  const lng = new URL(request.url).searchParams.get('lng');
  const opened = await openSurveyLink(params.token ?? '', isLanguage(lng) ? lng : undefined);
  return { ...opened, language: isLanguage(opened.language) ? opened.language : 'zh-CN' };
});

const Answer = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('answer'), nodeId: z.string().max(40), value: z.unknown() }),
  z.object({ intent: z.literal('back') }),
]);

export const action = withPermission('public', async ({ request, params }) => {
  const parsed = Answer.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, error: 'answer.invalid' };
  try {
    const link = await linkResponse(params.token ?? '');
    const state =
      parsed.data.intent === 'back'
        ? await goBack(link.responseId, link.language)
        : await submitAnswer(link.responseId, parsed.data.nodeId, parsed.data.value, link.language);
    await closeLinkIfDone(link.id, state);
    return { ok: true as const, state };
  } catch (error) {
    if (error instanceof RunnerError) return { ok: false as const, error: error.key, params: error.params };
    if (error instanceof LinkError) return { ok: false as const, error: error.key };
    throw error;
  }
});

export default function SurveyPage() {
  const data = useLoaderData<typeof loader>();
  const i18n = useMemo(() => createI18n(data.language), [data.language]);
  return (
    <I18nextProvider i18n={i18n}>
      <div style={{ maxWidth: 560, margin: '0 auto', padding: 16, minHeight: '100vh' }}>
        <Survey />
      </div>
    </I18nextProvider>
  );
}

function Survey() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const state = fetcher.data?.ok ? fetcher.data.state : data.state;
  const error =
    fetcher.data && !fetcher.data.ok
      ? t(`questionnaires.${fetcher.data.error}`, 'params' in fetcher.data ? (fetcher.data.params ?? {}) : {})
      : null;

  // Just finished: thank the customer (the page's data already says the link is used).
  if (state?.status === 'completed' && fetcher.data?.ok) {
    return <Result status="success" title={t('questionnaires.online.thanks')} subTitle={data.title} data-testid="survey-done" />;
  }
  if (data.status !== 'ok' || !state) {
    return (
      <Result
        status={data.status === 'completed' ? 'success' : 'warning'}
        title={data.title ?? t('questionnaires.online.title')}
        subTitle={t(`questionnaires.online.status.${data.status}`)}
        data-testid="survey-status"
      />
    );
  }
  if (state.status === 'completed') {
    return <Result status="success" title={t('questionnaires.online.thanks')} subTitle={data.title} data-testid="survey-done" />;
  }
  const answered = state.answered.length;
  const send = (body: Record<string, unknown>) =>
    fetcher.submit(JSON.parse(JSON.stringify(body)), { method: 'post', encType: 'application/json' });
  return (
    <Space orientation="vertical" style={{ width: '100%' }} size="large">
      <Typography.Title level={4} style={{ marginBottom: 0 }}>
        {data.title}
      </Typography.Title>
      <Progress percent={Math.round((answered / (answered + state.questionsAhead)) * 100)} showInfo={false} />
      <Card>
        {state.question ? (
          <QuestionStep
            mobile
            question={state.question}
            canGoBack={state.canGoBack}
            busy={fetcher.state !== 'idle'}
            error={error}
            onBack={() => send({ intent: 'back' })}
            onAnswer={(value) => send({ intent: 'answer', nodeId: state.question?.nodeId, value })}
          />
        ) : null}
      </Card>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('questionnaires.online.privacy')}
      </Typography.Text>
    </Space>
  );
}
