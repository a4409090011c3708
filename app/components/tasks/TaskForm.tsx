import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TaskFormOptions } from '../../modules/tasks/task-options.server';
import {
  CALLER_ID_STRATEGIES,
  CHANNELS,
  type Channel,
  DIAL_MODES,
  type DialMode,
  defaultAssignmentMode,
  guidance,
  type TaskInput,
} from '../../modules/tasks/task-schema';
import type { Condition, RuleError } from '../../rules';
import { ConditionBuilder, EMPTY_CONDITION, FormulaEditor, RuleErrors } from '../rules';
import { AssignmentSettings, newKey, type SegmentDraft } from './AssignmentSettings';
import { ChannelSettings } from './ChannelSettings';

type Options = Omit<TaskFormOptions, 'scope'> & { scope: TaskFormOptions['scope'] };

export interface TaskFormProps {
  options: Options;
  initial: TaskInput;
  /** The matching count of the condition last counted, or its errors. */
  count: { matching: number; eligible: number } | null;
  onCount: (condition: Condition) => void;
  onSubmit: (input: TaskInput) => void;
  submitting: boolean;
  errors?: Record<string, string>;
  ruleErrors?: RuleError[];
  disabled?: boolean;
}

const windowsText = (w: { from: string; to: string }[]) => w.map((x) => `${x.from}-${x.to}`).join(', ');
const parseWindows = (text: string) =>
  text
    .split(/[,，;\s]+/)
    .filter(Boolean)
    .map((part) => {
      const [from = '', to = ''] = part.split('-');
      return { from: from.padStart(5, '0'), to: to.padStart(5, '0') };
    });

/** The task editor: selection with its matching count, channel and dial mode, people, schedule, pacing, plugins. */
export function TaskForm({
  options,
  initial,
  count,
  onCount,
  onSubmit,
  submitting,
  errors = {},
  ruleErrors = [],
  disabled,
}: TaskFormProps) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [condition, setCondition] = useState<Condition>((initial.condition as Condition) ?? EMPTY_CONDITION);
  const [segments, setSegments] = useState<SegmentDraft[]>(
    initial.assignment.segments.map((s) => ({
      ...s,
      condition: (s.condition as Condition) ?? EMPTY_CONDITION,
      key: newKey(),
    })),
  );
  const [weightFormula, setWeightFormula] = useState(initial.assignment.weightFormula);
  const [scoreFormula, setScoreFormula] = useState(initial.assignment.scoreFormula);
  const [priorityFormula, setPriorityFormula] = useState(initial.assignment.priorityFormula);
  const channel: Channel = Form.useWatch('channel', form) ?? initial.channel;
  const dialMode: DialMode | null = Form.useWatch('dialMode', form) ?? initial.dialMode;
  const groupIds: string[] = Form.useWatch('skillGroupIds', form) ?? initial.skillGroupIds;
  const mode = Form.useWatch(['assignment', 'mode'], form) ?? initial.assignment.mode;
  const questionnaire = Form.useWatch('questionnaireVersionId', form) ?? initial.questionnaireVersionId;
  const carrierId = Form.useWatch(['callerId', 'installationId'], form) ?? initial.callerId.installationId;
  const carrier = options.carriers.find((c) => c.installationId === carrierId);
  const agentCount = useMemo(
    () => new Set(options.skillGroups.filter((g) => groupIds.includes(g.id)).flatMap((g) => g.memberIds)).size,
    [options.skillGroups, groupIds],
  );
  const warnings = guidance({
    projectType: options.project.type,
    channel,
    dialMode: channel === 'agent' ? dialMode : null,
    agents: agentCount,
    skillGroups: groupIds.length,
    questionnaire: Boolean(questionnaire),
  });
  const groupOptions = options.skillGroups.map((g) => ({ value: g.id, label: `${g.name} (${g.memberIds.length})` }));
  const agentOptions = options.agents.map((a) => ({ value: a.id, label: a.displayName }));
  const fieldError = (name: string) =>
    errors[name] ? { validateStatus: 'error' as const, help: t(errors[name]!, { defaultValue: errors[name] }) } : {};

  // biome-ignore lint/suspicious/noExplicitAny: antd hands over the nested form values untyped
  const submit = (values: Record<string, any>) => {
    const schedule = {
      startDate: values.startDate ? dayjs(values.startDate).format('YYYY-MM-DD') : null,
      endDate: values.endDate ? dayjs(values.endDate).format('YYYY-MM-DD') : null,
      windows: parseWindows(values.windows ?? ''),
    };
    onSubmit({
      ...initial,
      name: values.name,
      condition,
      channel: values.channel,
      dialMode: values.channel === 'agent' ? values.dialMode : null,
      questionnaireVersionId: values.questionnaireVersionId ?? null,
      skillGroupIds: values.skillGroupIds ?? [],
      schedule,
      priority: values.priority,
      pacing: { targetAbandonRate: values.pacing.targetAbandonRate, maxLinesPerAgent: values.pacing.maxLinesPerAgent },
      callerId: {
        strategy: values.callerId.strategy,
        installationId: values.callerId.installationId ?? null,
        trunkIds: values.callerId.trunkIds ?? [],
        number: values.callerId.number ?? null,
      },
      robot: values.channel === 'robot' ? { ...initial.robot, ...values.robot, prompts: values.robot?.prompts ?? {} } : null,
      online: values.channel === 'online' ? { ...initial.online, ...values.online } : null,
      assignment: {
        ...initial.assignment,
        mode: values.assignment.mode,
        proficiencyRouting: Boolean(values.assignment.proficiencyRouting),
        weightFormula,
        scoreFormula,
        priorityFormula,
        segments: segments.map(({ key: _key, ...s }) => s),
        fallback: { skillGroupIds: values.assignment.fallbackGroups ?? [], agentIds: [] },
      },
    } as TaskInput);
  };

  return (
    <Form
      form={form}
      layout="vertical"
      disabled={disabled}
      onFinish={submit}
      onValuesChange={(changed) => {
        if ('channel' in changed || 'dialMode' in changed) {
          const c = form.getFieldValue('channel') as Channel;
          form.setFieldValue(
            ['assignment', 'mode'],
            defaultAssignmentMode(c, c === 'agent' ? form.getFieldValue('dialMode') : null),
          );
        }
      }}
      initialValues={{
        name: initial.name,
        channel: initial.channel,
        dialMode: initial.dialMode ?? 'preview',
        questionnaireVersionId: initial.questionnaireVersionId,
        skillGroupIds: initial.skillGroupIds,
        startDate: initial.schedule.startDate ? dayjs(initial.schedule.startDate) : null,
        endDate: initial.schedule.endDate ? dayjs(initial.schedule.endDate) : null,
        windows: windowsText(initial.schedule.windows),
        priority: initial.priority,
        pacing: initial.pacing,
        callerId: initial.callerId,
        robot: initial.robot ?? { prompts: {}, maxRetries: 2, lines: 10, transferRule: 'onRequest', transferSkillGroupId: null },
        online: initial.online ?? { notifyInstallationId: null, template: t('tasks.form.defaultTemplate'), linkValidDays: 7 },
        assignment: {
          mode: initial.assignment.mode,
          proficiencyRouting: initial.assignment.proficiencyRouting,
          fallbackGroups: initial.assignment.fallback.skillGroupIds,
        },
      }}
    >
      <Card size="small" title={t('tasks.form.basics')} style={{ marginBottom: 16 }}>
        <Form.Item
          name="name"
          label={t('tasks.form.name')}
          rules={[{ required: true, message: t('tasks.errors.nameRequired') }]}
          {...fieldError('name')}
        >
          <Input data-testid="task-name" />
        </Form.Item>
        <Typography.Text strong>{t('tasks.form.selection')}</Typography.Text>
        <ConditionBuilder scope={options.scope} value={condition} onChange={setCondition} disabled={disabled} />
        <RuleErrors errors={ruleErrors} />
        <Space style={{ marginTop: 8 }}>
          <Button onClick={() => onCount(condition)} data-testid="count-contacts">
            {t('tasks.form.count')}
          </Button>
          {count ? (
            <Typography.Text data-testid="matching-count">
              {t('tasks.form.matching', { matching: count.matching, eligible: count.eligible })}
            </Typography.Text>
          ) : null}
        </Space>
      </Card>

      <Card size="small" title={t('tasks.form.channel')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col span={8}>
            <Form.Item name="channel" label={t('tasks.form.channel')}>
              <Select
                optionFilterProp="label"
                data-testid="channel"
                options={CHANNELS.map((c) => ({ value: c, label: t(`tasks.channels.${c}`) }))}
              />
            </Form.Item>
          </Col>
          {channel === 'agent' ? (
            <Col span={8}>
              <Form.Item name="dialMode" label={t('tasks.form.dialMode')} {...fieldError('dialMode')}>
                <Select
                  optionFilterProp="label"
                  data-testid="dial-mode"
                  options={DIAL_MODES.map((m) => ({ value: m, label: t(`tasks.dialModes.${m}`) }))}
                />
              </Form.Item>
            </Col>
          ) : null}
          <Col span={8}>
            <Form.Item
              name="questionnaireVersionId"
              label={t('tasks.form.questionnaire')}
              {...fieldError('questionnaireVersionId')}
            >
              <Select
                optionFilterProp="label"
                allowClear
                placeholder={options.questionnaireVersions.length ? undefined : t('tasks.form.noQuestionnaires')}
                options={options.questionnaireVersions.map((v) => ({ value: v.id, label: `${v.name} · v${v.version}` }))}
              />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={12}>
            <Form.Item name="skillGroupIds" label={t('tasks.form.skillGroups')}>
              <Select optionFilterProp="label" mode="multiple" data-testid="skill-groups" options={groupOptions} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item label={t('tasks.form.agentsInGroups')}>
              <Typography.Text data-testid="agent-count">{agentCount}</Typography.Text>
            </Form.Item>
          </Col>
        </Row>
        {warnings.map((w) => (
          <Alert
            key={w}
            type={w === 'robotSales' || w === 'predictiveSmallTeam' ? 'warning' : 'info'}
            showIcon
            title={t(`tasks.guidance.${w}`)}
            style={{ marginBottom: 8 }}
            data-testid={`guidance-${w}`}
          />
        ))}
      </Card>

      <Card size="small" title={t('tasks.form.scheduleAndPacing')} style={{ marginBottom: 16 }}>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item name="startDate" label={t('tasks.form.startDate')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name="endDate" label={t('tasks.form.endDate')} {...fieldError('schedule.endDate')}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="windows"
              label={t('tasks.form.windows')}
              extra={t('tasks.form.windowsHelp')}
              {...fieldError('schedule.windows.0.to')}
            >
              <Input placeholder="09:00-12:00, 14:00-18:00" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item name="priority" label={t('tasks.form.priority')} extra={t('tasks.form.priorityHelp')}>
              <InputNumber min={1} max={10} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['pacing', 'targetAbandonRate']} label={t('tasks.form.abandonRate')}>
              <InputNumber min={0} max={10} step={0.5} suffix="%" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['pacing', 'maxLinesPerAgent']} label={t('tasks.form.maxLines')}>
              <InputNumber min={1} max={10} step={0.5} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          label={t('tasks.form.priorityFormula')}
          extra={t('tasks.form.priorityFormulaHelp')}
          {...fieldError('priorityFormula')}
        >
          <FormulaEditor scope={options.scope} value={priorityFormula} onChange={setPriorityFormula} expect="number" />
        </Form.Item>
        <Row gutter={16}>
          <Col span={6}>
            <Form.Item name={['callerId', 'strategy']} label={t('tasks.form.callerIdStrategy')}>
              <Select
                optionFilterProp="label"
                options={CALLER_ID_STRATEGIES.map((s) => ({ value: s, label: t(`tasks.callerId.${s}`) }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['callerId', 'installationId']} label={t('tasks.form.carrier')}>
              <Select
                optionFilterProp="label"
                allowClear
                placeholder={options.carriers.length ? undefined : t('tasks.form.noCarrier')}
                options={options.carriers.map((c) => ({ value: c.installationId, label: c.name }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['callerId', 'trunkIds']} label={t('tasks.form.trunks')}>
              <Select
                optionFilterProp="label"
                mode="multiple"
                options={(carrier?.trunks ?? []).map((tr) => ({ value: tr.id, label: `${tr.name} (${tr.capacity})` }))}
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['callerId', 'number']} label={t('tasks.form.fixedNumber')}>
              <Select
                optionFilterProp="label"
                allowClear
                options={(carrier?.callerIds ?? []).map((c) => ({ value: c.number, label: c.number }))}
              />
            </Form.Item>
          </Col>
        </Row>
      </Card>

      <ChannelSettings channel={channel} groupOptions={groupOptions} notifiers={options.notifiers} />

      <AssignmentSettings
        mode={mode}
        scope={options.scope}
        groupOptions={groupOptions}
        agentOptions={agentOptions}
        weightFormula={weightFormula}
        onWeightFormula={setWeightFormula}
        scoreFormula={scoreFormula}
        onScoreFormula={setScoreFormula}
        segments={segments}
        onSegments={setSegments}
        disabled={disabled}
      />
      {errors._form ? (
        <Alert type="error" title={t(errors._form, { defaultValue: errors._form })} style={{ marginBottom: 16 }} />
      ) : null}
      {disabled ? null : (
        <Button type="primary" htmlType="submit" loading={submitting} data-testid="save-task">
          {t('common.save')}
        </Button>
      )}
    </Form>
  );
}
