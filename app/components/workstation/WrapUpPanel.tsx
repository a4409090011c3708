import { Alert, Button, Card, DatePicker, Form, Input, InputNumber, Radio, Select, Space, Switch, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Disposition } from '../../modules/projects/dispositions';
import { clock, postJson } from './useAgentLive';

export interface WrapUpContextView {
  attemptId: string;
  projectType: string;
  dispositions: Disposition[];
  deadlineAt: string;
  wrapUpSeconds: number;
  products: { id: string; code: string; name: string; price: string }[];
  hasCrm?: boolean;
  submitted: boolean;
}

type SubmitAnswer = { ok: true; wrapUpId: string } | { ok: false; errors: { field: string; message: string }[] };

interface Values {
  dispositionCode?: string;
  notes?: string;
  callbackAt?: Dayjs;
  callbackPersonal?: boolean;
  orderProductId?: string;
  orderAmount?: number;
  orderQuantity?: number;
  orderLinkSent?: boolean;
  leadSummary?: string;
}

function leaves(
  tree: Disposition[],
  path: string[] = [],
): { code: string; group: string; label: Disposition['label']; outcome?: string }[] {
  return tree.flatMap((d) =>
    d.children?.length
      ? leaves(d.children, [...path, d.code])
      : [{ code: d.code, group: path[0] ?? d.code, label: d.label, outcome: d.outcome }],
  );
}

/**
 * 落单: the disposition, notes and, by project type, the order, lead or callback — with the time
 * left (extendable with permission). Submitted once; the server validates and decides the case.
 */
export function WrapUpPanel({
  context,
  now,
  canExtend,
  reasons,
  onDone,
}: {
  context: WrapUpContextView;
  now: number;
  canExtend: boolean;
  /** Pause reasons: the agent may pause right after this wrap-up instead of taking the next call. */
  reasons: { code: string; label: string }[];
  onDone(pauseAfter: string | null): void;
}) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [errors, setErrors] = useState<{ field: string; message: string }[]>([]);
  const [busy, setBusy] = useState(false);
  const [extraSec, setExtraSec] = useState(0);
  const [then, setThen] = useState<string>('ready');
  const code = Form.useWatch('dispositionCode', form);
  const all = useMemo(() => leaves(context.dispositions), [context.dispositions]);
  const chosen = all.find((d) => d.code === code);
  const label = (l: Disposition['label']) => (i18n.language === 'en' ? l.en : l.zh);
  const left = Math.floor((Date.parse(context.deadlineAt) + extraSec * 1000 - now) / 1000);

  // biome-ignore lint/correctness/useExhaustiveDependencies: another disposition clears the last submit's errors
  useEffect(() => setErrors([]), [code]);

  const submit = async (v: Values) => {
    setBusy(true);
    try {
      const body = {
        attemptId: context.attemptId,
        dispositionCode: v.dispositionCode ?? '',
        notes: v.notes ?? '',
        ...(chosen?.outcome === 'callback' && v.callbackAt
          ? { callback: { at: v.callbackAt.toISOString(), personal: v.callbackPersonal ?? true } }
          : {}),
        ...(context.projectType === 'sales' && v.orderProductId
          ? {
              order: {
                productId: v.orderProductId,
                amount: v.orderAmount ?? 0,
                quantity: v.orderQuantity ?? 1,
                status: v.orderLinkSent ? 'linkSent' : 'confirmed',
              },
            }
          : {}),
        ...(v.leadSummary?.trim() ? { lead: { summary: v.leadSummary.trim() } } : {}),
        pauseAfter: then === 'ready' ? null : then,
      };
      const answer = await postJson<SubmitAnswer>('/agent/wrapup', body);
      if (answer.ok) onDone(then === 'ready' ? null : then);
      else setErrors(answer.errors ?? [{ field: '_form', message: 'workstation.wrapup.failed' }]);
    } finally {
      setBusy(false);
    }
  };

  const errorOf = (field: string) => errors.find((e) => e.field === field || e.field.startsWith(`${field}.`));
  const status = (field: string) => (errorOf(field) ? ('error' as const) : undefined);
  const help = (field: string) => {
    const e = errorOf(field);
    return e ? t(e.message, { defaultValue: e.message }) : undefined;
  };
  const groups = [...new Set(all.map((d) => d.group))];

  return (
    <Card
      size="small"
      title={t('workstation.wrapup.title')}
      data-testid="wrapup"
      extra={
        <Space>
          <Tag color={left < 0 ? 'red' : left < 15 ? 'orange' : 'blue'} data-testid="wrapup-countdown">
            {left < 0 ? `-${clock(-left)}` : clock(left)}
          </Tag>
          {canExtend ? (
            <Button size="small" onClick={() => setExtraSec((s) => s + context.wrapUpSeconds)}>
              {t('workstation.wrapup.extend')}
            </Button>
          ) : null}
        </Space>
      }
    >
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ callbackPersonal: true, orderQuantity: 1 }}>
        <Form.Item
          name="dispositionCode"
          label={t('workstation.wrapup.disposition')}
          rules={[{ required: true, message: t('workstation.wrapup.pickDisposition') }]}
          validateStatus={status('dispositionCode')}
          help={help('dispositionCode')}
        >
          <Radio.Group style={{ width: '100%' }}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {groups.map((g) => (
                <Space key={g} wrap>
                  {all
                    .filter((d) => d.group === g)
                    .map((d) => (
                      <Radio.Button key={d.code} value={d.code}>
                        <span data-testid={`disposition-${d.code}`}>{label(d.label)}</span>
                      </Radio.Button>
                    ))}
                </Space>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        {chosen?.outcome === 'callback' ? (
          <Space align="start" wrap>
            <Form.Item
              name="callbackAt"
              label={t('workstation.wrapup.callbackAt')}
              rules={[{ required: true, message: t('workstation.wrapup.callbackAtRequired') }]}
              validateStatus={status('callback')}
              help={help('callback')}
            >
              <DatePicker
                showTime
                format="YYYY-MM-DD HH:mm:ss"
                rootClassName="callback-at"
                disabledDate={(d) => d.isBefore(dayjs(), 'day')}
                presets={[
                  { label: t('workstation.wrapup.in15'), value: dayjs().add(15, 'minute') },
                  { label: t('workstation.wrapup.in60'), value: dayjs().add(1, 'hour') },
                  { label: t('workstation.wrapup.tomorrow'), value: dayjs().add(1, 'day') },
                ]}
              />
            </Form.Item>
            <Form.Item name="callbackPersonal" label={t('workstation.wrapup.personal')} valuePropName="checked">
              <Switch data-testid="callback-personal" />
            </Form.Item>
          </Space>
        ) : null}
        {context.projectType === 'sales' && chosen?.outcome === 'success' ? (
          <Space align="start" wrap>
            <Form.Item
              name="orderProductId"
              label={t('workstation.wrapup.product')}
              validateStatus={status('order')}
              help={help('order')}
            >
              <Select
                style={{ minWidth: 180 }}
                data-testid="order-product"
                options={context.products.map((p) => ({ value: p.id, label: `${p.name} ¥${p.price}` }))}
                onChange={(id: string) => {
                  const p = context.products.find((x) => x.id === id);
                  if (p && !form.getFieldValue('orderAmount')) form.setFieldValue('orderAmount', Number(p.price) || undefined);
                }}
              />
            </Form.Item>
            <Form.Item name="orderAmount" label={t('workstation.wrapup.amount')}>
              <InputNumber min={0} step={100} data-testid="order-amount" />
            </Form.Item>
            <Form.Item name="orderQuantity" label={t('workstation.wrapup.quantity')}>
              <InputNumber min={1} max={999} />
            </Form.Item>
            <Form.Item name="orderLinkSent" label={t('workstation.wrapup.linkSent')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
        ) : null}
        {context.hasCrm !== false ? (
          <Form.Item name="leadSummary" label={t('workstation.wrapup.lead')} validateStatus={status('lead')} help={help('lead')}>
            <Input placeholder={t('workstation.wrapup.leadHelp')} maxLength={500} data-testid="lead-summary" />
          </Form.Item>
        ) : null}
        <Form.Item name="notes" label={t('workstation.wrapup.notes')} validateStatus={status('notes')} help={help('notes')}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
        {errorOf('_form') || errorOf('attemptId') ? (
          <Alert type="error" showIcon message={help('_form') ?? help('attemptId')} style={{ marginBottom: 8 }} />
        ) : null}
        <Space>
          <Button type="primary" htmlType="submit" loading={busy} data-testid="wrapup-submit">
            {t('workstation.wrapup.submit')}
          </Button>
          <Select
            value={then}
            onChange={setThen}
            aria-label={t('workstation.wrapup.then')}
            data-testid="wrapup-then"
            style={{ minWidth: 150 }}
            options={[
              { value: 'ready', label: t('workstation.wrapup.thenReady') },
              ...reasons.map((r) => ({ value: r.code, label: t('workstation.wrapup.thenPause', { reason: r.label }) })),
            ]}
          />
          <Typography.Text type="secondary">Ctrl+Enter</Typography.Text>
        </Space>
      </Form>
    </Card>
  );
}
