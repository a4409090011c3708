import { AutoComplete, Input, InputNumber, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import type { ValueEditorProps } from 'react-querybuilder';
import { OPERATORS } from '../../rules/condition';
import type { FieldType } from '../../rules/types';

// One value editor for every operator of the rule language, so values arrive in the shape the
// condition model expects: a list for `in`/`hasAny`, a pair for `between`, nothing for `empty`.

type Meta = { fieldType: FieldType; fieldOptions?: string[] };

function Single({
  type,
  options,
  value,
  onChange,
  disabled,
  testId,
}: {
  type: FieldType;
  options?: string[];
  value: unknown;
  onChange: (v: unknown) => void;
  disabled?: boolean;
  testId: string;
}) {
  const { t } = useTranslation();
  if (type === 'number') {
    return (
      <InputNumber
        data-testid={testId}
        value={typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : null}
        onChange={(v) => onChange(v ?? '')}
        disabled={disabled}
        style={{ width: 140 }}
        placeholder={t('rules.builder.value')}
      />
    );
  }
  if (type === 'date') {
    return (
      <Input
        data-testid={testId}
        type="date"
        value={String(value ?? '')}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        style={{ width: 160 }}
      />
    );
  }
  if (type === 'choice' || type === 'multiChoice') {
    return (
      <Select
        data-testid={testId}
        value={value === '' || value === undefined ? undefined : String(value)}
        options={(options ?? []).map((o) => ({ value: o, label: o }))}
        onChange={onChange}
        disabled={disabled}
        style={{ minWidth: 140 }}
        placeholder={t('rules.builder.value')}
      />
    );
  }
  if (options?.length) {
    return (
      <AutoComplete
        data-testid={testId}
        value={String(value ?? '')}
        options={options.map((o) => ({ value: o }))}
        onChange={onChange}
        disabled={disabled}
        style={{ minWidth: 140 }}
        placeholder={t('rules.builder.value')}
      />
    );
  }
  return (
    <Input
      data-testid={testId}
      value={String(value ?? '')}
      onChange={(e) => onChange(e.target.value)}
      disabled={disabled}
      style={{ width: 180 }}
      placeholder={t('rules.builder.value')}
    />
  );
}

export function ConditionValueEditor(props: ValueEditorProps) {
  const { t } = useTranslation();
  const { operator, value, handleOnChange, disabled, fieldData, path } = props;
  const meta = fieldData as unknown as Meta;
  const spec = (OPERATORS as Record<string, { arity: string }>)[operator];
  const testId = `rule-value-${path.join('-')}`;
  if (!spec || spec.arity === 'none') return null;
  if (spec.arity === 'list') {
    const list = Array.isArray(value) ? (value as string[]) : typeof value === 'string' && value ? value.split(',') : [];
    return (
      <Select
        data-testid={testId}
        mode="tags"
        value={list}
        options={(meta.fieldOptions ?? []).map((o) => ({ value: o, label: o }))}
        onChange={(v: string[]) => handleOnChange(v)}
        disabled={disabled}
        style={{ minWidth: 220 }}
        placeholder={t('rules.builder.valuesPlaceholder')}
        tokenSeparators={[',', '，']}
      />
    );
  }
  if (spec.arity === 'two') {
    const [a, b] = Array.isArray(value) ? value : ['', ''];
    return (
      <Space size={4}>
        <Single
          type={meta.fieldType}
          value={a}
          onChange={(v) => handleOnChange([v, b])}
          disabled={disabled}
          testId={`${testId}-from`}
        />
        <span>–</span>
        <Single
          type={meta.fieldType}
          value={b}
          onChange={(v) => handleOnChange([a, v])}
          disabled={disabled}
          testId={`${testId}-to`}
        />
      </Space>
    );
  }
  return (
    <Single
      type={meta.fieldType}
      options={meta.fieldOptions}
      value={value}
      onChange={handleOnChange}
      disabled={disabled}
      testId={testId}
    />
  );
}
