import { Link, useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, Button, Descriptions, Drawer, Form, Input, Select, Space, Table, Tag, Timeline, Typography } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { useUrlFilters } from '../components/useUrlFilters';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { visibleProjectIds } from '../modules/auth/project-access';
import { requireFilterAccess, requireRecordAccess } from '../modules/auth/project-access.server';
import { clientIp } from '../modules/auth/session.server';
import { flattenDispositions } from '../modules/projects/dispositions';
import { listWrapUps, reviewFilters, wrapUpDetail } from '../modules/wrapup/reviews.server';
import { correctWrapUp } from '../modules/wrapup/wrapup.server';
import { WrapUpCorrectionSchema } from '../modules/wrapup/wrapup-schema';
import { formatDateTime } from '../utils/format';

// 落单复核: recent wrap-ups, one opened for review, and a supervisor's correction (audited, re-delivered).

export const loader = withPermission('wrapup.view', async ({ request, user }) => {
  const url = new URL(request.url);
  const filter = {
    projectId: url.searchParams.get('project') ?? undefined,
    agentId: url.searchParams.get('agent') ?? undefined,
    outcome: url.searchParams.get('outcome') ?? undefined,
    visible: visibleProjectIds(user),
  };
  const project = filter.projectId && /^[0-9a-f-]{36}$/i.test(filter.projectId) ? filter.projectId : undefined;
  await requireFilterAccess(user, { project });
  const id = url.searchParams.get('id');
  if (id) await requireRecordAccess(user, 'wrapUp', id);
  const [rows, filters, detail] = await Promise.all([
    listWrapUps(filter),
    reviewFilters(filter.visible),
    id ? wrapUpDetail(id) : null,
  ]);
  return { rows, filters, detail, canManage: can(user.role, 'wrapup.manage'), timeZone: user.timeZone };
});

const Correction = WrapUpCorrectionSchema.extend({ wrapUpId: z.string().uuid() });

export const action = withPermission('wrapup.manage', async ({ request, user }) => {
  const parsed = Correction.safeParse(await request.json().catch(() => null));
  if (!parsed.success) return { ok: false as const, errors: [{ field: 'request', message: 'wrapup.errors.invalid' }] };
  const { wrapUpId, ...changes } = parsed.data;
  await requireRecordAccess(user, 'wrapUp', wrapUpId);
  const actor = { id: user.id, userId: user.id, name: user.login, ip: clientIp(request) };
  const result = await correctWrapUp(actor, wrapUpId, changes);
  return result.ok ? { ok: true as const } : result;
});

type Data = ReturnType<typeof useLoaderData<typeof loader>>;
type Row = Data['rows'][number];
type Detail = NonNullable<Data['detail']>;

function CorrectionForm({ detail }: { detail: Detail }) {
  const { t, i18n } = useTranslation();
  const fetcher = useFetcher<typeof action>();
  const [form] = Form.useForm<{ dispositionCode: string; notes: string }>();
  const zh = i18n.language.startsWith('zh');
  const leaves = flattenDispositions(detail.dispositions).filter((d) => !d.children?.length);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : null;
  useEffect(() => {
    form.setFieldsValue({ dispositionCode: detail.dispositionCode, notes: detail.notes });
  }, [form, detail.dispositionCode, detail.notes]);
  return (
    <Form
      form={form}
      layout="vertical"
      data-testid="correction-form"
      onFinish={(values) => fetcher.submit({ wrapUpId: detail.id, ...values }, { method: 'post', encType: 'application/json' })}
    >
      <Typography.Title level={5}>{t('wrapup.reviews.correctTitle')}</Typography.Title>
      <Form.Item name="dispositionCode" label={t('wrapup.reviews.disposition')} rules={[{ required: true }]}>
        <Select
          showSearch
          optionFilterProp="label"
          options={leaves.map((d) => ({
            value: d.code,
            label: [...d.path, d].map((n) => (zh ? n.label.zh : n.label.en)).join(' / '),
          }))}
        />
      </Form.Item>
      <Form.Item name="notes" label={t('wrapup.reviews.notes')}>
        <Input.TextArea maxLength={2000} autoSize={{ minRows: 2, maxRows: 6 }} />
      </Form.Item>
      {error?.map((e) => (
        <Alert key={e.field} type="error" showIcon title={t(e.message)} style={{ marginBottom: 8 }} />
      ))}
      {fetcher.data?.ok && fetcher.state === 'idle' ? (
        <Alert type="success" showIcon title={t('wrapup.reviews.corrected')} style={{ marginBottom: 8 }} />
      ) : null}
      <Button type="primary" htmlType="submit" loading={fetcher.state !== 'idle'} data-testid="correct">
        {t('wrapup.reviews.correct')}
      </Button>
    </Form>
  );
}

function DetailView({ detail, canManage, timeZone }: { detail: Detail; canManage: boolean; timeZone: string }) {
  const { t, i18n } = useTranslation();
  const zh = i18n.language.startsWith('zh');
  const when = (iso: string | null) => (iso ? formatDateTime(iso, timeZone, i18n.language) : '—');
  const none = t('wrapup.reviews.none');
  const order = detail.order as { productName?: string; amount?: number; quantity?: number; status?: string } | null;
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('wrapup.reviews.contact')}>
          {detail.contact.name} · {detail.contact.ref} · {detail.contact.phone}
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.agent')}>{detail.agent || none}</Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.dispositionPath')}>
          {detail.dispositionPath.map((l) => (zh ? l.zh : l.en)).join(' / ') || detail.dispositionCode}{' '}
          <Tag>{t(`wrapup.outcome.${detail.outcome}`)}</Tag>
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.notes')}>{detail.notes || none}</Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.answers')}>
          {detail.answers && Object.keys(detail.answers).length ? (
            <pre style={{ margin: 0, whiteSpace: 'pre-wrap' }}>{JSON.stringify(detail.answers, null, 2)}</pre>
          ) : (
            none
          )}
          {detail.questionnaireOutcome ? (
            <div>
              {t('wrapup.reviews.questionnaireOutcome')}: {detail.questionnaireOutcome}
            </div>
          ) : null}
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.order')}>
          {order
            ? `${order.productName ?? ''} · ${t('wrapup.reviews.productAmount')} ${order.amount} · ${t('wrapup.reviews.quantity')} ${order.quantity} · ${order.status}`
            : none}
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.lead')}>
          {detail.lead
            ? `${detail.lead.summary}${detail.lead.externalId ? ` · ${t('wrapup.reviews.externalId')} ${detail.lead.externalId}` : ''}`
            : none}
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.callback')}>
          {detail.callback
            ? `${when(detail.callback.dueAt)} · ${t(detail.callback.personal ? 'wrapup.reviews.personal' : 'wrapup.reviews.pool')} · ${detail.callback.state}`
            : none}
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.decision')}>
          {t(`wrapup.reason.${detail.decision.reason}`)}
          {detail.decision.nextAttemptAt ? ` · ${t('wrapup.reviews.nextAttemptAt')} ${when(detail.decision.nextAttemptAt)}` : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('wrapup.reviews.revision')}>{detail.revision}</Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5}>{t('wrapup.reviews.revisions')}</Typography.Title>
      <Timeline
        items={detail.revisions.map((r) => ({
          content: `${when(r.at)} · ${r.actor} · ${t(r.action === 'wrapup.correct' ? 'wrapup.reviews.correction' : 'wrapup.reviews.submit')}`,
        }))}
      />
      <Typography.Title level={5}>{t('wrapup.reviews.deliveries')}</Typography.Title>
      {detail.hasCrm ? null : <Alert type="info" showIcon title={t('wrapup.noCrm')} />}
      <Table
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={detail.writeBacks}
        columns={[
          { title: t('wrapup.columns.kind'), dataIndex: 'kind', render: (k: string) => t(`wrapup.kind.${k}`) },
          {
            title: t('wrapup.idempotencyKey'),
            dataIndex: 'idempotencyKey',
            render: (k: string) => <Typography.Text code>{k}</Typography.Text>,
          },
          { title: t('wrapup.columns.state'), dataIndex: 'state', render: (s: string) => t(`wrapup.state.${s}`) },
          { title: t('wrapup.columns.tries'), dataIndex: 'tries' },
          { title: t('wrapup.columns.deliveredAt'), dataIndex: 'deliveredAt', render: when },
        ]}
      />
      {canManage ? <CorrectionForm detail={detail} /> : null}
    </Space>
  );
}

export default function WrapUpReviewsPage() {
  const { rows, filters, detail, canManage, timeZone } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const { params, setFilter } = useUrlFilters();
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="wrapup-reviews">
      <Space style={{ width: '100%', justifyContent: 'space-between' }}>
        <Typography.Title level={3}>{t('wrapup.reviews.title')}</Typography.Title>
        <Link to="/wrapup">{t('wrapup.deliveriesLink')}</Link>
      </Space>
      <Space wrap>
        <Select
          allowClear
          style={{ minWidth: 200 }}
          placeholder={t('wrapup.reviews.project')}
          value={params.get('project') ?? undefined}
          onChange={(v?: string) => setFilter('project', v)}
          options={filters.projects.map((p) => ({ value: p.id, label: p.name }))}
        />
        <Select
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t('wrapup.reviews.agent')}
          value={params.get('agent') ?? undefined}
          onChange={(v?: string) => setFilter('agent', v)}
          options={filters.agents.map((a) => ({ value: a.id, label: a.login }))}
        />
        <Select
          allowClear
          style={{ minWidth: 160 }}
          placeholder={t('wrapup.reviews.outcome')}
          value={params.get('outcome') ?? undefined}
          onChange={(v?: string) => setFilter('outcome', v)}
          options={filters.outcomes.map((o) => ({ value: o, label: t(`wrapup.outcome.${o}`) }))}
        />
      </Space>
      <Table<Row>
        rowKey="id"
        size="small"
        dataSource={rows}
        locale={{ emptyText: t('wrapup.reviews.empty') }}
        columns={[
          {
            title: t('wrapup.reviews.submittedAt'),
            dataIndex: 'submittedAt',
            render: (iso: string) => formatDateTime(iso, timeZone, i18n.language),
          },
          { title: t('wrapup.reviews.project'), dataIndex: 'projectName' },
          { title: t('wrapup.reviews.contact'), render: (_, r) => `${r.contactName} · ${r.contactRef}` },
          { title: t('wrapup.reviews.agent'), dataIndex: 'agent' },
          { title: t('wrapup.reviews.disposition'), dataIndex: 'dispositionCode' },
          {
            title: t('wrapup.reviews.outcome'),
            dataIndex: 'outcome',
            render: (o: string) => <Tag>{t(`wrapup.outcome.${o}`)}</Tag>,
          },
          { title: t('wrapup.reviews.revision'), dataIndex: 'revision' },
          {
            key: 'open',
            render: (_, r) => (
              <Button size="small" type="link" onClick={() => setFilter('id', r.id)} data-testid="open-wrapup">
                {t('wrapup.reviews.open')}
              </Button>
            ),
          },
        ]}
      />
      <Drawer
        open={!!detail}
        size={640}
        title={t('wrapup.reviews.detailTitle')}
        onClose={() => setFilter('id', undefined)}
        destroyOnHidden
      >
        {detail ? <DetailView detail={detail} canManage={canManage} timeZone={timeZone} /> : null}
      </Drawer>
    </Space>
  );
}
