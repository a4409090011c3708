import { Form, Input, Space } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef } from '../../modules/lists/field-template';

type Option = NonNullable<FieldDef['options']>[number];

/** `code = 中文 / English` a line; a line with no `=` is its own code and labels. */
export function parseOptions(text: string): Option[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [code, labels] = line.includes('=') ? line.split(/=(.*)/s).map((p) => p.trim()) : [line, line];
      const [zh, en] = (labels || code!).split('/').map((p) => p.trim());
      return { value: code!, label: { zh: zh || code!, en: en || zh || code! } };
    });
}

const formatOptions = (options: Option[] = []) => options.map((o) => `${o.value} = ${o.label.zh} / ${o.label.en}`).join('\n');

/** A template row's details: help text in both languages, and an enum's options. */
export function FieldDetails({ field, onChange }: { field: FieldDef; onChange: (patch: Partial<FieldDef>) => void }) {
  const { t } = useTranslation();
  // Options are parsed when the box is left, so typing a line is not reformatted mid-way.
  const [options, setOptions] = useState(formatOptions(field.options));
  const help = field.help ?? { zh: '', en: '' };
  return (
    <Form layout="vertical" size="small" style={{ maxWidth: 720 }} component="div">
      <Form.Item label={t('lists.rules.help')}>
        <Space.Compact style={{ width: '100%' }}>
          <Input
            value={help.zh}
            placeholder="中文"
            maxLength={200}
            onChange={(e) => onChange({ help: { ...help, zh: e.target.value } })}
            data-testid={`help-zh-${field.key}`}
          />
          <Input
            value={help.en}
            placeholder="English"
            maxLength={200}
            onChange={(e) => onChange({ help: { ...help, en: e.target.value } })}
            data-testid={`help-en-${field.key}`}
          />
        </Space.Compact>
      </Form.Item>
      {field.type === 'enum' ? (
        <Form.Item label={t('lists.rules.options')} extra={t('lists.rules.optionsHelp')}>
          <Input.TextArea
            rows={4}
            value={options}
            disabled={field.fixed}
            onChange={(e) => setOptions(e.target.value)}
            onBlur={() => onChange({ options: parseOptions(options) })}
            data-testid={`options-${field.key}`}
          />
        </Form.Item>
      ) : null}
    </Form>
  );
}
