import { Button, Select, Switch } from 'antd';
import type { ActionProps, NotToggleProps, ValueSelectorProps } from 'react-querybuilder';

// Ant Design controls for react-querybuilder. Written here rather than taken from
// @react-querybuilder/antd, whose ESM build deep-imports antd/es paths that Node cannot load:
// the route must also render on the server and import in tests.

type Flat = { value?: string; name?: string; label: string };

export function AntSelector({
  className,
  handleOnChange,
  options,
  value,
  title,
  disabled,
  multiple,
  testID,
}: ValueSelectorProps) {
  const flat = (options as unknown as (Flat | { label: string; options: Flat[] })[]).flatMap((o) =>
    'options' in o ? o.options : [o],
  );
  return (
    <Select
      className={className}
      title={title}
      disabled={disabled}
      data-testid={testID}
      mode={multiple ? 'multiple' : undefined}
      value={value}
      popupMatchSelectWidth={false}
      // A project's template can have dozens of fields: typing narrows the list.
      showSearch
      optionFilterProp="label"
      style={{ minWidth: 90 }}
      options={flat.map((o) => ({ value: o.value ?? o.name ?? '', label: o.label, title: o.label }))}
      onChange={(v) => handleOnChange(v)}
    />
  );
}

export function AntAction({ className, handleOnClick, label, title, disabled, testID }: ActionProps) {
  const remove = typeof className === 'string' && className.includes('remove');
  return (
    <Button
      className={className}
      title={title}
      disabled={disabled}
      data-testid={testID}
      size="small"
      type={remove ? 'text' : 'default'}
      danger={remove}
      onClick={(e) => handleOnClick(e)}
    >
      {label}
    </Button>
  );
}

export function AntNotToggle({ className, handleOnChange, label, checked, title, disabled, testID }: NotToggleProps) {
  return (
    <span
      className={className}
      title={title}
      data-testid={testID}
      style={{ display: 'inline-flex', alignItems: 'center', gap: 4 }}
    >
      <Switch size="small" checked={!!checked} disabled={disabled} onChange={handleOnChange} />
      {label}
    </span>
  );
}

export const ANT_CONTROLS = {
  actionElement: AntAction,
  valueSelector: AntSelector,
  notToggle: AntNotToggle,
};
