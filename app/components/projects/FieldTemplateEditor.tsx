import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, HolderOutlined, PlusOutlined } from '@ant-design/icons';
import { Button, Checkbox, Input, Select, Space, Table } from 'antd';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { FIELD_TYPES, type FieldDef } from '../../modules/lists/field-template';
import { FieldDetails } from './FieldDetails';

/**
 * Edits a project's field template: fixed fields keep key and type; custom fields are free. Rows
 * reorder by dragging their handle (native drag and drop) or with the arrow buttons (keyboard);
 * a row's details (help text, options) open below it.
 */
export function FieldTemplateEditor({ value, onChange }: { value: FieldDef[]; onChange: (fields: FieldDef[]) => void }) {
  const { t } = useTranslation();
  // The dragged row in a ref: drag events come faster than React re-renders the rows' handlers.
  const dragging = useRef<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const update = (index: number, patch: Partial<FieldDef>) =>
    onChange(value.map((f, i) => (i === index ? { ...f, ...patch } : f)));
  const moveTo = (from: number, to: number) => {
    if (from === to) return;
    const next = [...value];
    const [item] = next.splice(from, 1);
    next.splice(to, 0, item!);
    onChange(next);
  };
  const move = (index: number, by: number) => moveTo(index, index + by);
  const add = () => {
    const n = value.filter((f) => !f.fixed).length + 1;
    onChange([
      ...value,
      {
        key: `custom${n}`,
        label: { zh: `自定义${n}`, en: `Custom ${n}` },
        type: 'text',
        required: false,
        sensitive: false,
        visibleToAgents: true,
        fixed: false,
      },
    ]);
  };
  return (
    <>
      <Table<FieldDef & { index: number }>
        size="small"
        pagination={false}
        rowKey="index"
        dataSource={value.map((f, index) => ({ ...f, index }))}
        data-testid="field-template"
        expandable={{
          expandedRowRender: (f) => <FieldDetails key={f.key} field={f} onChange={(patch) => update(f.index, patch)} />,
        }}
        onRow={(f) => ({
          // Only the handle starts a drag (inputs keep their text selection); any row is a drop target.
          onDragOver: (e) => {
            if (dragging.current === null) return;
            e.preventDefault();
            setOver(f.index);
          },
          onDrop: (e) => {
            e.preventDefault();
            if (dragging.current !== null) moveTo(dragging.current, f.index);
            dragging.current = null;
            setOver(null);
          },
          style: over === f.index ? { outline: '2px dashed #1677ff' } : undefined,
        })}
        columns={[
          {
            width: 32,
            render: (_, f) => (
              <span
                draggable
                role="button"
                tabIndex={-1}
                title={t('lists.rules.drag')}
                aria-label={t('lists.rules.drag')}
                style={{ cursor: 'grab' }}
                onDragStart={(e) => {
                  e.dataTransfer.effectAllowed = 'move';
                  e.dataTransfer.setData('text/plain', f.key);
                  dragging.current = f.index;
                }}
                onDragEnd={() => {
                  dragging.current = null;
                  setOver(null);
                }}
                data-testid={`drag-${f.key}`}
              >
                <HolderOutlined />
              </span>
            ),
          },
          {
            title: t('lists.rules.fieldKey'),
            render: (_, f) => (
              <Input
                size="small"
                value={f.key}
                disabled={f.fixed}
                onChange={(e) => update(f.index, { key: e.target.value })}
                style={{ width: 130 }}
              />
            ),
          },
          {
            title: t('lists.rules.fieldLabel'),
            render: (_, f) => (
              <Space.Compact>
                <Input
                  size="small"
                  value={f.label.zh}
                  onChange={(e) => update(f.index, { label: { ...f.label, zh: e.target.value } })}
                  style={{ width: 110 }}
                />
                <Input
                  size="small"
                  value={f.label.en}
                  onChange={(e) => update(f.index, { label: { ...f.label, en: e.target.value } })}
                  style={{ width: 110 }}
                />
              </Space.Compact>
            ),
          },
          {
            title: t('lists.rules.fieldType'),
            render: (_, f) => (
              <Select
                size="small"
                value={f.type}
                disabled={f.fixed}
                style={{ width: 110 }}
                options={FIELD_TYPES.map((type) => ({ value: type, label: type }))}
                onChange={(type) =>
                  update(f.index, {
                    type,
                    ...(type === 'enum' && !f.options ? { options: [{ value: 'a', label: { zh: '甲', en: 'A' } }] } : {}),
                  })
                }
              />
            ),
          },
          {
            title: t('lists.rules.required'),
            render: (_, f) => <Checkbox checked={f.required} onChange={(e) => update(f.index, { required: e.target.checked })} />,
          },
          {
            title: t('lists.rules.sensitive'),
            render: (_, f) => (
              <Checkbox checked={f.sensitive} onChange={(e) => update(f.index, { sensitive: e.target.checked })} />
            ),
          },
          {
            title: t('lists.rules.visibleToAgents'),
            render: (_, f) => (
              <Checkbox checked={f.visibleToAgents} onChange={(e) => update(f.index, { visibleToAgents: e.target.checked })} />
            ),
          },
          {
            render: (_, f) => (
              <Space>
                <Button
                  size="small"
                  icon={<ArrowUpOutlined />}
                  disabled={f.index === 0}
                  onClick={() => move(f.index, -1)}
                  aria-label="up"
                />
                <Button
                  size="small"
                  icon={<ArrowDownOutlined />}
                  disabled={f.index === value.length - 1}
                  onClick={() => move(f.index, 1)}
                  aria-label="down"
                />
                <Button
                  size="small"
                  danger
                  icon={<DeleteOutlined />}
                  disabled={f.fixed}
                  onClick={() => onChange(value.filter((_, i) => i !== f.index))}
                  aria-label="delete"
                />
              </Space>
            ),
          },
        ]}
      />
      <Button style={{ marginTop: 8 }} icon={<PlusOutlined />} onClick={add} data-testid="add-field">
        {t('common.create')}
      </Button>
    </>
  );
}
