import type { FormProps } from '@rjsf/core';
import type { ErrorSchema, RJSFSchema, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { Skeleton } from 'antd';
import { type ComponentType, useEffect, useState } from 'react';

// A form generated from JSON Schema (react-jsonschema-form, Ant Design theme): plugin settings,
// contact forms and the field template preview. @rjsf/antd's ESM build imports antd/es paths that
// Node cannot resolve, so the theme is loaded in the browser only; the server renders a
// placeholder (and route modules stay importable in tests).

type ThemedForm = ComponentType<Omit<FormProps, 'validator'> & { validator: typeof validator }>;

export interface SchemaFormProps {
  schema: RJSFSchema;
  uiSchema: UiSchema;
  formData: unknown;
  extraErrors?: ErrorSchema;
  disabled?: boolean;
  /** Without it the form has no submit button (a preview). */
  submitText?: string;
  /** Leave validation to the server (contact forms: `validateRecord` is the one rule book). */
  serverValidates?: boolean;
  onSubmit?(formData: Record<string, unknown>): void;
  onChange?(formData: Record<string, unknown>): void;
}

export function SchemaForm(props: SchemaFormProps) {
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
  const submit = props.submitText ? { submitText: props.submitText } : { norender: true };
  return (
    <Form
      schema={props.schema}
      uiSchema={{ ...props.uiSchema, 'ui:submitButtonOptions': submit }}
      formData={props.formData}
      validator={validator}
      extraErrors={props.extraErrors}
      showErrorList={false}
      disabled={props.disabled}
      noValidate={props.serverValidates}
      noHtml5Validate={props.serverValidates}
      onChange={({ formData }) => props.onChange?.((formData ?? {}) as Record<string, unknown>)}
      onSubmit={({ formData }) => props.onSubmit?.((formData ?? {}) as Record<string, unknown>)}
    />
  );
}

/** Server field errors (dotted paths) as an RJSF error schema. */
// Field names the server refuses (ADR 113): never walked into, or `node[key]` would reach
// Object.prototype and every object in the page would grow an `__errors`.
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function toErrorSchema(errors: Record<string, string>): ErrorSchema {
  const out: Record<string, unknown> = {};
  const formErrors: string[] = [];
  for (const [path, message] of Object.entries(errors)) {
    if (path === '_form' || path === 'intent') continue;
    const keys = path.split('.');
    if (keys.some((k) => UNSAFE_KEYS.has(k))) {
      formErrors.push(`${path}: ${message}`);
      continue;
    }
    let node = out;
    for (const key of keys) {
      if (!Object.hasOwn(node, key)) node[key] = {};
      node = node[key] as Record<string, unknown>;
    }
    node.__errors = [message];
  }
  if (formErrors.length) out.__errors = formErrors;
  return out as ErrorSchema;
}
