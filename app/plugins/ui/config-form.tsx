import type { FormProps } from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { Skeleton } from 'antd';
import { type ComponentType, useEffect, useState } from 'react';

// The config form generated from a plugin's JSON Schema (react-jsonschema-form, Ant Design theme).
// @rjsf/antd's ESM build imports antd/es paths that Node cannot resolve, so the theme is loaded in
// the browser only; the server renders a placeholder (and the route module stays importable in tests).

type ThemedForm = ComponentType<Omit<FormProps, 'validator'> & { validator: typeof validator }>;

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

/** Server field errors (dotted paths) as an RJSF error schema. */
export function toErrorSchema(errors: Record<string, string>): ErrorSchema {
  const out: Record<string, unknown> = {};
  for (const [path, message] of Object.entries(errors)) {
    if (path === '_form' || path === 'intent') continue;
    let node = out;
    for (const key of path.split('.')) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node.__errors = [message];
  }
  return out as ErrorSchema;
}

export function ConfigForm(props: ConfigFormProps) {
  const [Form, setForm] = useState<ThemedForm | null>(null);
  useEffect(() => {
    let live = true;
    void import('@rjsf/antd').then((m) => {
      if (live) setForm(() => m.default as unknown as ThemedForm);
    });
    return () => {
      live = false;
    };
  }, []);
  if (!Form) return <Skeleton active />;
  return (
    <Form
      schema={props.schema}
      uiSchema={{ ...props.uiSchema, 'ui:submitButtonOptions': { submitText: props.submitText } }}
      formData={props.formData}
      validator={validator}
      extraErrors={props.extraErrors}
      showErrorList={false}
      disabled={props.disabled}
      onSubmit={({ formData }) => props.onSubmit((formData ?? {}) as Record<string, unknown>)}
    />
  );
}
