import { useFetcher, useLoaderData } from '@remix-run/react';
import { Alert, App, Button, Card, Checkbox, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { FieldPresets } from '../components/projects/FieldPresets';
import { FieldTemplateEditor } from '../components/projects/FieldTemplateEditor';
import { TemplatePreview } from '../components/projects/TemplatePreview';
import { withPermission } from '../modules/auth/guard.server';
import { can } from '../modules/auth/permissions';
import { clientIp } from '../modules/auth/session.server';
import { deletePreset, listPresets, PresetNameTaken, PresetSaveSchema, savePreset } from '../modules/lists/field-presets.server';
import type { FieldDef } from '../modules/lists/field-template';
import { WEEKDAYS } from '../modules/projects/calling-hours';
import { projectOrNotFound } from '../modules/projects/project-route.server';
import { DEFAULT_ABANDON_MESSAGE, PROJECT_TYPES, ProjectUpdateSchema } from '../modules/projects/project-schema';
import { updateProject } from '../modules/projects/projects.server';

export const loader = withPermission('projects.view', async ({ params, user }) => {
  const p = await projectOrNotFound(params.projectId, user);
  return {
    presets: await listPresets(),
    canManage: can(user.role, 'projects.manage'),
    project: {
      id: p.id,
      name: p.name,
      type: p.type,
      description: p.description,
      status: p.status,
      dedupPolicy: p.dedupPolicy,
      rules: p.rules,
      fields: p.fields,
    },
  };
});

const PresetIntent = z.discriminatedUnion('intent', [
  PresetSaveSchema.extend({ intent: z.literal('savePreset') }),
  z.object({ intent: z.literal('deletePreset'), id: z.string().uuid() }),
]);

export const action = withPermission('projects.manage', async ({ request, params, user }) => {
  const project = await projectOrNotFound(params.projectId, user);
  const body = await request.json().catch(() => null);
  const actor = { id: user.id, name: user.login, ip: clientIp(request) };
  // Presets are managed from the template editor, with the same permission as the project itself.
  if (body && typeof body === 'object' && 'intent' in body) {
    const intent = PresetIntent.safeParse(body);
    if (!intent.success) {
      return { ok: false as const, errors: intent.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
    }
    if (intent.data.intent === 'deletePreset') await deletePreset(actor, intent.data.id);
    else {
      try {
        await savePreset(actor, intent.data);
      } catch (error) {
        if (!(error instanceof PresetNameTaken)) throw error;
        return { ok: false as const, errors: [{ path: 'name', message: 'presets.nameTaken' }] };
      }
    }
    return { ok: true as const, version: null };
  }
  const parsed = ProjectUpdateSchema.safeParse(body);
  if (!parsed.success) {
    return { ok: false as const, errors: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
  }
  const saved = await updateProject(actor, project.id, parsed.data);
  return { ok: true as const, version: saved.rulesVersion };
});

type Project = ReturnType<typeof useLoaderData<typeof loader>>['project'];

interface FormValues {
  name: string;
  type: Project['type'];
  description: string;
  status: Project['status'];
  dedupPolicy: 'skip' | 'update';
  preset: 'attempts' | 'onSuccess' | 'onConnect' | 'custom';
  maxAttempts: number;
  withinDays: number;
  days: string[];
  from: string;
  to: string;
  holidays: string;
  retry: Record<string, number>;
  requireConsent: boolean;
  noAnswerTimeoutSeconds: number;
  abandonCooldownHours: number;
  abandonMessage: string;
  secondaryAfterFailures: number;
  wrapUpSeconds: number;
  dispositions: string;
}

function toForm(p: Project): FormValues {
  const rule = p.rules.closingRule as { preset: FormValues['preset']; maxAttempts?: number; withinDays?: number };
  const weekly = p.rules.callingHours.weekly as Record<string, { from: string; to: string }[] | undefined>;
  const firstWindow = Object.values(weekly).find((w) => w?.length)?.[0] ?? { from: '09:00', to: '20:00' };
  return {
    name: p.name,
    type: p.type,
    description: p.description,
    status: p.status,
    dedupPolicy: p.dedupPolicy as 'skip' | 'update',
    preset: rule.preset,
    maxAttempts: rule.maxAttempts ?? 3,
    withinDays: rule.withinDays ?? 10,
    days: WEEKDAYS.filter((d) => weekly[d]?.length),
    from: firstWindow.from,
    to: firstWindow.to,
    holidays: p.rules.callingHours.holidays.join('\n'),
    retry: p.rules.retryPolicy as Record<string, number>,
    requireConsent: p.rules.requireConsent,
    noAnswerTimeoutSeconds: p.rules.noAnswerTimeoutSeconds,
    abandonCooldownHours: p.rules.abandonCooldownHours ?? 0,
    abandonMessage: p.rules.abandonMessage ?? DEFAULT_ABANDON_MESSAGE,
    secondaryAfterFailures: p.rules.secondaryAfterFailures ?? 0,
    wrapUpSeconds: p.rules.wrapUpSeconds ?? 60,
    dispositions: JSON.stringify(p.rules.dispositions, null, 2),
  };
}

export default function ProjectSettings() {
  const { project, presets, canManage } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const { message } = App.useApp();
  const fetcher = useFetcher<typeof action>();
  const [form] = Form.useForm<FormValues>();
  const [fields, setFields] = useState<FieldDef[]>(project.fields);
  const [jsonError, setJsonError] = useState<string | null>(null);
  const preset = Form.useWatch('preset', form);

  useEffect(() => {
    if (fetcher.state === 'idle' && fetcher.data?.ok && fetcher.data.version !== null)
      void message.success(t('lists.rules.saved', { version: fetcher.data.version }));
  }, [fetcher.state, fetcher.data, message, t]);

  const submit = (v: FormValues) => {
    let dispositions: unknown;
    try {
      dispositions = JSON.parse(v.dispositions);
      setJsonError(null);
    } catch (error) {
      setJsonError(String(error));
      return;
    }
    const window = [{ from: v.from, to: v.to }];
    const closingRule =
      v.preset === 'attempts'
        ? { preset: v.preset, maxAttempts: v.maxAttempts, withinDays: v.withinDays }
        : v.preset === 'onConnect'
          ? { preset: v.preset }
          : {
              preset: v.preset,
              maxAttempts: v.maxAttempts,
              ...(v.preset === 'custom'
                ? { condition: (project.rules.closingRule as { condition?: unknown }).condition ?? null }
                : {}),
            };
    const payload = {
      name: v.name,
      type: v.type,
      description: v.description,
      status: v.status,
      dedupPolicy: v.dedupPolicy,
      fields,
      rules: {
        closingRule,
        callingHours: {
          weekly: Object.fromEntries(v.days.map((d) => [d, window])),
          holidays: v.holidays.split(/\s+/).filter(Boolean),
          defaultTimeZone: project.rules.callingHours.defaultTimeZone,
        },
        retryPolicy: v.retry,
        dispositions,
        requireConsent: v.requireConsent,
        noAnswerTimeoutSeconds: v.noAnswerTimeoutSeconds,
        abandonCooldownHours: v.abandonCooldownHours,
        abandonMessage: v.abandonMessage,
        secondaryAfterFailures: v.secondaryAfterFailures,
        wrapUpSeconds: v.wrapUpSeconds,
      },
    };
    fetcher.submit(JSON.parse(JSON.stringify(payload)), { method: 'post', encType: 'application/json' });
  };

  const errors = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : [];
  return (
    <Form form={form} layout="vertical" initialValues={toForm(project)} onFinish={submit}>
      <Row gutter={16}>
        <Col xs={24} lg={12}>
          <Card title={t('lists.projects.name')}>
            <Form.Item name="name" label={t('lists.projects.name')} rules={[{ required: true }]}>
              <Input />
            </Form.Item>
            <Space>
              <Form.Item name="type" label={t('lists.projects.type')}>
                <Select
                  style={{ width: 160 }}
                  options={PROJECT_TYPES.map((v) => ({ value: v, label: t(`lists.projects.types.${v}`) }))}
                />
              </Form.Item>
              <Form.Item name="status" label={t('lists.projects.status')}>
                <Select
                  style={{ width: 160 }}
                  options={(['draft', 'active', 'archived'] as const).map((v) => ({
                    value: v,
                    label: t(`lists.projects.statuses.${v}`),
                  }))}
                />
              </Form.Item>
              <Form.Item name="dedupPolicy" label={t('lists.rules.dedupPolicy')}>
                <Select
                  style={{ width: 180 }}
                  options={(['skip', 'update'] as const).map((v) => ({ value: v, label: t(`lists.rules.dedup.${v}`) }))}
                />
              </Form.Item>
            </Space>
            <Form.Item name="description" label={t('lists.projects.description')}>
              <Input.TextArea rows={2} />
            </Form.Item>
          </Card>
          <Card title={t('lists.rules.closingRule')} style={{ marginTop: 16 }}>
            <Form.Item name="preset">
              <Select
                options={(['attempts', 'onSuccess', 'onConnect', 'custom'] as const).map((v) => ({
                  value: v,
                  label: t(`lists.rules.presets.${v}`),
                }))}
              />
            </Form.Item>
            <Space>
              {preset !== 'onConnect' ? (
                <Form.Item name="maxAttempts" label={t('lists.rules.maxAttempts')}>
                  <InputNumber min={1} max={50} />
                </Form.Item>
              ) : null}
              {preset === 'attempts' ? (
                <Form.Item name="withinDays" label={t('lists.rules.withinDays')}>
                  <InputNumber min={1} max={365} />
                </Form.Item>
              ) : null}
            </Space>
            <div>
              <Typography.Text strong>{t('lists.rules.retry')}</Typography.Text>
            </div>
            <Space wrap style={{ marginTop: 8 }}>
              {(['busy', 'noAnswer', 'machine', 'failed', 'abandoned', 'retry'] as const).map((kind) => (
                <Form.Item key={kind} name={['retry', kind]} label={t(`lists.rules.retryKinds.${kind}`)}>
                  <InputNumber min={1} max={10080} />
                </Form.Item>
              ))}
            </Space>
            <Form.Item name="requireConsent" label={t('lists.rules.requireConsent')} valuePropName="checked">
              <Switch />
            </Form.Item>
            <Form.Item name="noAnswerTimeoutSeconds" label={t('lists.rules.noAnswerTimeout')}>
              <InputNumber min={15} max={120} />
            </Form.Item>
            <Form.Item
              name="abandonCooldownHours"
              label={t('lists.rules.abandonCooldown')}
              extra={t('lists.rules.abandonCooldownHelp')}
            >
              <InputNumber min={0} max={720} />
            </Form.Item>
            <Form.Item name="abandonMessage" label={t('lists.rules.abandonMessage')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
            <Form.Item
              name="secondaryAfterFailures"
              label={t('lists.rules.secondaryAfter')}
              extra={t('lists.rules.secondaryAfterHelp')}
            >
              <InputNumber min={0} max={10} />
            </Form.Item>
            <Form.Item name="wrapUpSeconds" label={t('lists.rules.wrapUpSeconds')} extra={t('lists.rules.wrapUpSecondsHelp')}>
              <InputNumber min={10} max={1800} />
            </Form.Item>
          </Card>
        </Col>
        <Col xs={24} lg={12}>
          <Card title={t('lists.rules.callingHours')}>
            <Form.Item name="days" label={t('lists.rules.weekdays')}>
              <Checkbox.Group options={WEEKDAYS.map((d) => ({ value: d, label: t(`lists.rules.days.${d}`) }))} />
            </Form.Item>
            <Space>
              <Form.Item
                name="from"
                label={t('lists.rules.from')}
                rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }]}
              >
                <Input style={{ width: 100 }} />
              </Form.Item>
              <Form.Item
                name="to"
                label={t('lists.rules.to')}
                rules={[{ pattern: /^([01]\d|2[0-3]):[0-5]\d$/, message: 'HH:mm' }]}
              >
                <Input style={{ width: 100 }} />
              </Form.Item>
            </Space>
            <Form.Item name="holidays" label={t('lists.rules.holidays')}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </Card>
          <Card title={t('lists.rules.dispositions')} style={{ marginTop: 16 }}>
            <Typography.Paragraph type="secondary">{t('lists.rules.dispositionsHelp')}</Typography.Paragraph>
            <Form.Item name="dispositions">
              <Input.TextArea rows={10} style={{ fontFamily: 'monospace' }} />
            </Form.Item>
            {jsonError ? <Alert type="error" showIcon message={jsonError} /> : null}
          </Card>
        </Col>
      </Row>
      <Card
        title={t('lists.rules.fields')}
        style={{ marginTop: 16 }}
        extra={<FieldPresets presets={presets} fields={fields} canManage={canManage} onApply={setFields} />}
      >
        <Row gutter={16}>
          <Col xs={24} xxl={15}>
            <FieldTemplateEditor value={fields} onChange={setFields} />
          </Col>
          <Col xs={24} xxl={9}>
            <TemplatePreview fields={fields} />
          </Col>
        </Row>
      </Card>
      {errors.length ? (
        <Alert
          style={{ marginTop: 16 }}
          type="error"
          showIcon
          data-testid="settings-errors"
          message={errors.map((e) => `${e.path}: ${t(`lists.${e.message}`, { defaultValue: e.message })}`).join('; ')}
        />
      ) : null}
      <Button
        type="primary"
        htmlType="submit"
        style={{ marginTop: 16 }}
        loading={fetcher.state !== 'idle'}
        data-testid="save-project"
      >
        {t('common.save')}
      </Button>
    </Form>
  );
}
