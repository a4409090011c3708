import { Link, useFetcher, useLoaderData, useSearchParams } from '@remix-run/react';
import { Alert, Button, Card, Col, Form, Input, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { EChart } from '../components/EChart';
import { prisma } from '../db/prisma.server';
import { env } from '../env.server';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { questionnaireOrNotFound } from '../modules/questionnaires/questionnaires.server';
import { versionStats } from '../modules/questionnaires/stats.server';
import { createSurveyLink, LinkError, sendSurveyLink } from '../modules/questionnaires/survey-links.server';
import { enabledInstallations } from '../plugins/installations.server';
import { getPlugin } from '../plugins/registry.server';

export const loader = withPermission('questionnaires.view', async ({ request, params, user }) => {
  const q = await questionnaireOrNotFound(params.questionnaireId, user);
  const url = new URL(request.url);
  const versionId = q.versions.find((v) => v.id === url.searchParams.get('version'))?.id ?? q.versions[0]?.id;
  const language = url.searchParams.get('lng') ?? user.locale ?? 'zh-CN';
  const notifiers = (await enabledInstallations()).filter((i) => getPlugin(i.pluginId)?.manifest.kind === 'notify');
  return {
    questionnaire: { id: q.id, name: q.name },
    versions: q.versions.map((v) => ({ id: v.id, version: v.version })),
    stats: versionId ? await versionStats(versionId, language) : null,
    notifiers,
    canSend: can(user.role, 'questionnaires.manage'),
  };
});

const LinkIntent = z.object({
  versionId: z.string().uuid(),
  contactId: z.string().regex(/^\d{1,18}$/),
  language: z.enum(['zh-CN', 'en']).default('zh-CN'),
  installationId: z.string().uuid().optional(),
});

// Creates a personal link for one contact (copy it, or send it through a notify plugin).
export const action = withPermission('questionnaires.manage', async ({ request, params, user }) => {
  const q = await questionnaireOrNotFound(params.questionnaireId, user);
  const parsed = LinkIntent.safeParse(await request.json().catch(() => null));
  if (!parsed.success || !q.versions.some((v) => v.id === parsed.data.versionId))
    return { ok: false as const, error: 'link.invalid' };
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  const input = { ...parsed.data, contactId: BigInt(parsed.data.contactId) };
  const contact = await prisma.contact.findUnique({ where: { id: input.contactId }, select: { projectId: true } });
  if (contact?.projectId !== q.projectId) return { ok: false as const, error: 'link.notFound' };
  try {
    const origin = env().WAIHU_PUBLIC_URL ?? new URL(request.url).origin;
    const created = input.installationId
      ? await sendSurveyLink(actor, { ...input, installationId: input.installationId, baseUrl: origin })
      : await createSurveyLink(actor, input);
    return { ok: true as const, url: new URL(created.path, origin).toString(), sent: !!input.installationId };
  } catch (error) {
    if (error instanceof LinkError) return { ok: false as const, error: error.key };
    throw error;
  }
});

export default function QuestionnaireStatsPage() {
  const { questionnaire, versions, stats, notifiers, canSend } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const fetcher = useFetcher<typeof action>();
  const outcomesChart = useMemo(
    () =>
      stats && {
        tooltip: {},
        series: [
          {
            type: 'pie',
            radius: ['40%', '70%'],
            data: stats.outcomes.map((o) => ({
              name: t(`questionnaires.outcomes.${o.outcome}`, { defaultValue: o.outcome }),
              value: o.count,
            })),
          },
        ],
      },
    [stats, t],
  );
  const dropChart = useMemo(
    () =>
      stats && {
        tooltip: { trigger: 'axis' },
        legend: { data: [t('questionnaires.stats.reached'), t('questionnaires.stats.stopped')] },
        xAxis: { type: 'category', data: stats.questions.map((q) => q.nodeId) },
        yAxis: { type: 'value', minInterval: 1 },
        series: [
          { name: t('questionnaires.stats.reached'), type: 'bar', data: stats.questions.map((q) => q.reached) },
          { name: t('questionnaires.stats.stopped'), type: 'bar', data: stats.questions.map((q) => q.stoppedHere) },
        ],
      },
    [stats, t],
  );

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>
          <Link to={`/questionnaires/${questionnaire.id}`}>{questionnaire.name}</Link> / {t('questionnaires.stats.title')}
        </Typography.Title>
        {stats ? (
          <Space>
            <Select
              style={{ width: 120 }}
              value={stats.versionId}
              onChange={(v) =>
                setParams((p) => {
                  p.set('version', v);
                  return p;
                })
              }
              options={versions.map((v) => ({ value: v.id, label: `v${v.version}` }))}
            />
            <a href={`/questionnaires/${questionnaire.id}/versions/${stats.versionId}/export?format=xlsx`}>
              <Button>{t('questionnaires.stats.export')}</Button>
            </a>
          </Space>
        ) : null}
      </Space>
      {!stats ? (
        <Alert type="info" showIcon message={t('questionnaires.stats.unpublished')} />
      ) : (
        <>
          <Row gutter={12}>
            <Col span={6}>
              <Card size="small" data-testid="stat-responses">
                <Statistic title={t('questionnaires.stats.responses')} value={stats.responses} />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic title={t('questionnaires.stats.completed')} value={stats.completed} />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title={t('questionnaires.stats.completionRate')}
                  value={stats.completionRate * 100}
                  precision={1}
                  suffix="%"
                />
              </Card>
            </Col>
            <Col span={6}>
              <Card size="small">
                <Statistic
                  title={t('questionnaires.stats.channels')}
                  value={stats.byChannel.map((c) => `${t(`questionnaires.channels.${c.channel}`)} ${c.count}`).join(' · ') || '—'}
                />
              </Card>
            </Col>
          </Row>
          <Row gutter={12}>
            <Col span={8}>
              <Card size="small" title={t('questionnaires.stats.outcomes')}>
                {outcomesChart ? <EChart option={outcomesChart} /> : null}
              </Card>
            </Col>
            <Col span={16}>
              <Card size="small" title={t('questionnaires.stats.dropOff')}>
                {dropChart ? <EChart option={dropChart} /> : null}
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('questionnaires.stats.answers')}>
            <Table
              rowKey="nodeId"
              size="small"
              pagination={false}
              dataSource={stats.questions}
              columns={[
                { title: 'ID', dataIndex: 'nodeId', width: 90 },
                { title: t('questionnaires.bank.text'), dataIndex: 'text' },
                { title: t('questionnaires.stats.reached'), dataIndex: 'reached', width: 90 },
                { title: t('questionnaires.stats.stopped'), dataIndex: 'stoppedHere', width: 90 },
                {
                  title: t('questionnaires.stats.distribution'),
                  dataIndex: 'distribution',
                  render: (d: { answer: string; count: number }[]) => d.map((x) => `${x.answer}: ${x.count}`).join(' · '),
                },
              ]}
            />
          </Card>
          {canSend ? (
            <Card size="small" title={t('questionnaires.links.title')}>
              <Typography.Paragraph type="secondary">{t('questionnaires.links.help')}</Typography.Paragraph>
              <Form
                layout="inline"
                onFinish={(v) =>
                  fetcher.submit({ ...v, versionId: stats.versionId }, { method: 'post', encType: 'application/json' })
                }
                initialValues={{ language: params.get('lng') ?? 'zh-CN' }}
              >
                <Form.Item
                  name="contactId"
                  label={t('questionnaires.links.contact')}
                  rules={[{ required: true, pattern: /^\d+$/ }]}
                >
                  <Input style={{ width: 120 }} data-testid="link-contact" />
                </Form.Item>
                <Form.Item name="language" label={t('questionnaires.links.language')}>
                  <Select
                    style={{ width: 110 }}
                    options={[
                      { value: 'zh-CN', label: '中文' },
                      { value: 'en', label: 'English' },
                    ]}
                  />
                </Form.Item>
                <Form.Item name="installationId" label={t('questionnaires.links.via')}>
                  <Select
                    allowClear
                    style={{ width: 200 }}
                    placeholder={t('questionnaires.links.copyOnly')}
                    options={notifiers.map((n) => ({ value: n.id, label: n.name }))}
                  />
                </Form.Item>
                <Button htmlType="submit" type="primary" loading={fetcher.state !== 'idle'} data-testid="create-link">
                  {t('questionnaires.links.create')}
                </Button>
              </Form>
              {fetcher.data?.ok ? (
                <Alert
                  style={{ marginTop: 12 }}
                  type="success"
                  showIcon
                  message={fetcher.data.sent ? t('questionnaires.links.sent') : t('questionnaires.links.created')}
                  description={
                    <Typography.Text copyable data-testid="link-url">
                      {fetcher.data.url}
                    </Typography.Text>
                  }
                />
              ) : fetcher.data ? (
                <Alert style={{ marginTop: 12 }} type="error" showIcon message={t(`questionnaires.${fetcher.data.error}`)} />
              ) : null}
            </Card>
          ) : null}
        </>
      )}
    </Space>
  );
}
