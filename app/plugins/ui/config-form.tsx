import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import { SchemaForm } from '../../components/SchemaForm';

export { toErrorSchema } from '../../components/SchemaForm';

// The config form generated from a plugin's JSON Schema, through the shared SchemaForm.

export interface ConfigFormProps {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  formData: unknown;
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  submitText: string;
  onSubmit(formData: Record<string, unknown>): void;
}

/** uiSchema with secret fields as empty password boxes and a hint when a value is stored. */
export function secretUiSchema(base: UiSchema, paths: string[], set: string[], kept: string, enter: string): UiSchema {
  const ui = structuredClone(base) as Record<string, unknown>;
  for (const path of paths) {
    let node = ui;
    for (const key of path.split('.')) {
      node[key] = { ...((node[key] as object | undefined) ?? {}) };
      node = node[key] as Record<string, unknown>;
    }
    Object.assign(node, {
      'ui:widget': 'password',
      'ui:placeholder': set.includes(path) ? kept : enter,
      'ui:autocomplete': 'new-password',
    });
  }
  return ui as UiSchema;
}

export function ConfigForm(props: ConfigFormProps) {
  return <SchemaForm {...props} />;
}
