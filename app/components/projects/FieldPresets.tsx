import { DeleteOutlined } from '@ant-design/icons';
import { useFetcher } from '@remix-run/react';
import { App, Button, Input, Popover, Select, Space, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../modules/lists/field-template';

interface Preset {
  id: string;
  name: string;
  fields: FieldDef[];
}

type Reply = { ok: true } | { ok: false; errors: { path: string; message: string }[] };

/**
 * Saved field templates: start this project's template from one (replaces the editor's fields;
 * saving the project keeps the copy), save the current one under a name, delete one.
 */
export function FieldPresets({
  presets,
  fields,
  canManage,
  onApply,
}: {
  presets: Preset[];
  fields: FieldDef[];
  canManage: boolean;
  onApply: (fields: FieldDef[]) => void;
}) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const fetcher = useFetcher<Reply>();
  const [name, setName] = useState('');
  const [open, setOpen] = useState(false);
  const post = (body: Record<string, unknown>) =>
    fetcher.submit(JSON.parse(JSON.stringify(body)), { method: 'post', encType: 'application/json' });

  useEffect(() => {
    if (fetcher.state !== 'idle' || !fetcher.data) return;
    if (fetcher.data.ok) {
      setOpen(false);
      setName('');
    }
  }, [fetcher.state, fetcher.data]);
  const error = fetcher.data && !fetcher.data.ok ? fetcher.data.errors : [];

  const apply = (id: string) => {
    const preset = presets.find((p) => p.id === id);
    if (!preset) return;
    modal.confirm({
      title: t('lists.presets.applyConfirm', { name: preset.name }),
      onOk: () => {
        onApply(structuredClone(preset.fields));
        void message.info(t('lists.presets.applied'));
      },
    });
  };

  return (
    <Space wrap>
      <Select
        style={{ width: 220 }}
        placeholder={t('lists.presets.startFrom')}
        value={null}
        disabled={!presets.length}
        onChange={apply}
        options={presets.map((p) => ({ value: p.id, label: p.name }))}
        data-testid="start-from-preset"
      />
      {canManage
        ? presets.map((p) => (
            <Tag
              key={p.id}
              closable
              closeIcon={<DeleteOutlined aria-label={`${t('lists.presets.delete')} ${p.name}`} />}
              onClose={(e) => {
                e.preventDefault();
                modal.confirm({
                  title: t('lists.presets.deleteConfirm', { name: p.name }),
                  okButtonProps: { danger: true },
                  onOk: () => post({ intent: 'deletePreset', id: p.id }),
                });
              }}
              data-testid={`preset-${p.name}`}
            >
              {p.name}
            </Tag>
          ))
        : null}
      {canManage ? (
        <Popover
          open={open}
          onOpenChange={setOpen}
          trigger="click"
          title={t('lists.presets.saveAs')}
          content={
            <Space orientation="vertical">
              <Input
                value={name}
                maxLength={60}
                placeholder={t('lists.presets.name')}
                onChange={(e) => setName(e.target.value)}
                data-testid="preset-name"
              />
              {error.length ? (
                <Typography.Text type="danger">
                  {error.map((e) => t(`lists.${e.message}`, { defaultValue: e.message })).join('; ')}
                </Typography.Text>
              ) : null}
              <Button
                type="primary"
                disabled={!name.trim()}
                loading={fetcher.state !== 'idle'}
                onClick={() => post({ intent: 'savePreset', name, fields })}
                data-testid="save-preset"
              >
                {t('common.save')}
              </Button>
            </Space>
          }
        >
          <Button data-testid="save-as-preset">{t('lists.presets.saveAs')}</Button>
        </Popover>
      ) : null}
    </Space>
  );
}
