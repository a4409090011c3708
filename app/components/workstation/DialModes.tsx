import { Button, Card, Empty, Input, List, Select, Space, Tabs, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactProfile } from '../../modules/workstation/screen-pop.server';
import { CustomerProfile } from './CustomerProfile';
import { postJson } from './useAgentLive';

type Answer = { ok: true; attemptId?: string } | { ok: false; error: string; reason?: string };
type Preview = (ContactProfile & { task: { id: string; name: string } }) | null;
interface CallbackRow {
  id: string;
  taskName: string;
  name: string;
  phoneMasked: string;
  dueAt: string;
  personal: boolean;
  note: string;
}
export interface AgentTaskView {
  id: string;
  name: string;
  dialMode: string | null;
  projectName: string;
}

const SKIP = ['wrongTime', 'alreadyContacted', 'badData', 'other'] as const;

/**
 * Calls in the agent's hands: the preview card (call or skip with a reason), the callback list
 * (due ones callable) and the dial pad for a typed number (with permission).
 */
export function DialModes({
  tasks,
  canDialManually,
  idle,
  now,
  onError,
}: {
  tasks: AgentTaskView[];
  canDialManually: boolean;
  /** Ready or paused with no call in hand: new calls may be started. */
  idle: boolean;
  now: number;
  onError(message: string): void;
}) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState<Preview>(null);
  const [loadingPreview, setLoadingPreview] = useState(false);
  const [callbacks, setCallbacks] = useState<CallbackRow[]>([]);
  const [skipReason, setSkipReason] = useState<(typeof SKIP)[number]>('wrongTime');
  const [manualTask, setManualTask] = useState(tasks[0]?.id);
  const [number, setNumber] = useState('');
  const previewTasks = tasks.filter((task) => task.dialMode === 'preview');
  const hasPreview = previewTasks.length > 0;
  const [previewTask, setPreviewTask] = useState(previewTasks[0]?.id);

  const refused = (a: Answer) => {
    if (!a.ok)
      onError(a.reason ? t(`dialing.refusals.${a.reason}`, { defaultValue: a.reason }) : t(a.error, { defaultValue: a.error }));
  };
  const loadPreview = useCallback(async () => {
    setLoadingPreview(true);
    try {
      const response = await fetch(`/agent/preview${previewTask ? `?taskId=${previewTask}` : ''}`);
      setPreview(response.ok ? ((await response.json()) as { next: Preview }).next : null);
    } finally {
      setLoadingPreview(false);
    }
  }, [previewTask]);
  const loadCallbacks = useCallback(async () => {
    const response = await fetch('/agent/callbacks');
    if (response.ok) setCallbacks(((await response.json()) as { callbacks: CallbackRow[] }).callbacks);
  }, []);
  useEffect(() => {
    if (!idle) return;
    void loadCallbacks();
    if (hasPreview) void loadPreview();
  }, [idle, hasPreview, loadPreview, loadCallbacks]);
  // Due callbacks come back by themselves: the list is refreshed every 15 seconds.
  useEffect(() => {
    const timer = setInterval(() => void loadCallbacks(), 15_000);
    return () => clearInterval(timer);
  }, [loadCallbacks]);

  /** Call or skip the previewed contact; a refusal is shown. */
  const onPreview = async (body: { intent: 'call' | 'skip'; reason?: string }) => {
    const a = await postJson<Answer>('/agent/preview', { ...body, taskId: preview?.task.id, contactId: preview?.contact.id });
    refused(a);
    return a;
  };

  const previewTab = (
    <div data-testid="preview">
      {previewTasks.length > 1 ? (
        <Select
          value={previewTask}
          onChange={setPreviewTask}
          style={{ width: '100%', marginBottom: 8 }}
          aria-label={t('workstation.preview.task')}
          data-testid="preview-task"
          options={previewTasks.map((x) => ({ value: x.id, label: `${x.projectName} · ${x.name}` }))}
        />
      ) : null}
      {preview ? (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text type="secondary">{preview.task.name}</Typography.Text>
          <CustomerProfile profile={preview} />
          <Space wrap>
            <Button
              type="primary"
              disabled={!idle}
              data-testid="preview-call"
              onClick={async () => {
                // Refused (called elsewhere meanwhile, hours, limits): the next contact is offered.
                if (!(await onPreview({ intent: 'call' })).ok) await loadPreview();
              }}
            >
              {t('workstation.preview.call')}
            </Button>
            <Select
              value={skipReason}
              onChange={setSkipReason}
              style={{ minWidth: 140 }}
              aria-label={t('workstation.preview.skipReason')}
              options={SKIP.map((r) => ({ value: r, label: t(`workstation.skip.${r}`) }))}
            />
            <Button
              disabled={!idle}
              data-testid="preview-skip"
              onClick={async () => {
                if ((await onPreview({ intent: 'skip', reason: skipReason })).ok) await loadPreview();
              }}
            >
              {t('workstation.preview.skip')}
            </Button>
          </Space>
        </Space>
      ) : (
        <Empty description={loadingPreview ? t('workstation.preview.loading') : t('workstation.preview.none')}>
          <Button onClick={() => void loadPreview()}>{t('workstation.preview.refresh')}</Button>
        </Empty>
      )}
    </div>
  );

  const callbacksTab = (
    <List
      size="small"
      data-testid="callbacks"
      dataSource={callbacks}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('workstation.callbacks.none')} /> }}
      renderItem={(c) => {
        const due = Date.parse(c.dueAt) <= now;
        return (
          <List.Item
            data-testid="callback-row"
            data-due={due}
            actions={[
              <Button
                key="call"
                size="small"
                type={due ? 'primary' : 'default'}
                disabled={!due || !idle}
                onClick={async () => refused(await postJson<Answer>('/agent/callbacks', { callbackId: c.id }))}
              >
                {t('workstation.callbacks.call')}
              </Button>,
            ]}
          >
            <List.Item.Meta
              title={
                <Space>
                  {c.name}
                  <Typography.Text type="secondary">{c.phoneMasked}</Typography.Text>
                  {due ? <Tag color="red">{t('workstation.callbacks.due')}</Tag> : null}
                  {c.personal ? <Tag>{t('workstation.callbacks.personal')}</Tag> : <Tag>{t('workstation.callbacks.pool')}</Tag>}
                </Space>
              }
              description={`${dayjs(c.dueAt).format('MM-DD HH:mm:ss')} · ${c.taskName} ${c.note}`}
            />
          </List.Item>
        );
      }}
    />
  );

  const manualTab = (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="manual-dial">
      <Select
        value={manualTask}
        onChange={setManualTask}
        options={tasks.map((x) => ({ value: x.id, label: `${x.projectName} · ${x.name}` }))}
      />
      <Input
        value={number}
        onChange={(e) => setNumber(e.target.value)}
        placeholder={t('workstation.manual.number')}
        inputMode="tel"
        autoComplete="off"
        aria-label={t('workstation.manual.number')}
      />
      <Button
        type="primary"
        disabled={!idle || !manualTask || number.length < 3}
        onClick={async () => {
          const a = await postJson<Answer>('/agent/dial', { taskId: manualTask, phone: number });
          refused(a);
          // The number is not kept on screen once dialled: history shows it masked.
          if (a.ok) setNumber('');
        }}
      >
        {t('workstation.manual.dial')}
      </Button>
    </Space>
  );

  const due = callbacks.filter((c) => Date.parse(c.dueAt) <= now).length;
  return (
    <Card size="small">
      <Tabs
        size="small"
        items={[
          ...(hasPreview ? [{ key: 'preview', label: t('workstation.preview.title'), children: previewTab }] : []),
          {
            key: 'callbacks',
            label: (
              <span>
                {t('workstation.callbacks.title')} {due ? <Tag color="red">{due}</Tag> : null}
              </span>
            ),
            children: callbacksTab,
          },
          ...(canDialManually ? [{ key: 'manual', label: t('workstation.manual.title'), children: manualTab }] : []),
        ]}
      />
    </Card>
  );
}
