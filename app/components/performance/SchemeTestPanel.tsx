import { useFetcher } from '@remix-run/react';
import { Button, Card, Input, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SAMPLE_FIGURES } from '../../modules/performance/metrics';
import type { SchemeConfig } from '../../modules/performance/scheme-schema';
import type { SchemeTestReply } from '../../modules/performance/scheme-test.server';
import { BreakdownView, formatFigure } from './Breakdown';
import { SchemeProblems } from './SchemeEditor';

/** Sample agents' figures in, each one's score and breakdown out (the server scores them as the leaderboard does). */
export function SchemeTestPanel({ config }: { config: SchemeConfig }) {
  const { t } = useTranslation();
  const [text, setText] = useState(() => JSON.stringify(SAMPLE_FIGURES, null, 2));
  const fetcher = useFetcher<SchemeTestReply>();
  const [ranWith, setRanWith] = useState('');
  let samples: unknown = null;
  try {
    samples = JSON.parse(text);
  } catch {
    samples = null;
  }
  const run = () => {
    setRanWith(JSON.stringify(config));
    fetcher.submit(JSON.stringify({ intent: 'test', config, samples }), { method: 'post', encType: 'application/json' });
  };
  const reply = fetcher.data;
  return (
    <Card size="small" title={t('performance.test.title')} data-testid="scheme-test-panel">
      <Space orientation="vertical" style={{ width: '100%' }}>
        <Typography.Text type="secondary">{t('performance.test.hint')}</Typography.Text>
        <Input.TextArea
          aria-label={t('performance.test.samples')}
          data-testid="scheme-test-samples"
          value={text}
          autoSize={{ minRows: 4, maxRows: 14 }}
          style={{ fontFamily: 'monospace' }}
          onChange={(e) => setText(e.target.value)}
          status={samples === null ? 'error' : undefined}
        />
        <Button onClick={run} disabled={samples === null} loading={fetcher.state !== 'idle'} data-testid="scheme-test-run">
          {t('performance.test.run')}
        </Button>
        {reply && ranWith !== JSON.stringify(config) ? (
          <Typography.Text type="warning" data-testid="scheme-test-stale">
            {t('performance.test.stale')}
          </Typography.Text>
        ) : null}
        {reply && !reply.ok ? <SchemeProblems problems={reply.problems} /> : null}
        {reply?.ok
          ? reply.breakdowns.map((b, i) => (
              <Card
                // biome-ignore lint/suspicious/noArrayIndexKey: one result per sample, in the samples' order
                key={i}
                size="small"
                type="inner"
                title={t('performance.test.sample', { n: i + 1, score: formatFigure(b.score) })}
              >
                <BreakdownView breakdown={b} testId={`scheme-test-result-${i}`} />
              </Card>
            ))
          : null}
      </Space>
    </Card>
  );
}
