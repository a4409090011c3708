import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { Alert } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FieldDef, FieldError } from '../../modules/lists/field-template';
import { toJsonSchema } from '../../modules/lists/template-form';
import { SchemaForm, toErrorSchema } from '../SchemaForm';

/**
 * A contact as the project's template form (add without `contactId`, edit with it). The server
 * validates with the template's rules and answers errors per field, shown on the fields.
 */
export function ContactForm({
  projectId,
  fields,
  contactId,
  initial = {},
  kept = {},
  onSaved,
}: {
  projectId: string;
  fields: FieldDef[];
  contactId?: string;
  initial?: Record<string, unknown>;
  kept?: Record<string, string>;
  onSaved: (id: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<Record<string, unknown>>(initial);
  const [errors, setErrors] = useState<FieldError[]>([]);
  const [saving, setSaving] = useState(false);
  const { schema, uiSchema } = toJsonSchema(fields, i18n.language === 'en' ? 'en' : 'zh', {
    kept,
    keptHint: t('lists.contacts.keptHint'),
  });
  const submit = async (values: Record<string, unknown>) => {
    setSaving(true);
    const response = await fetch(`/projects/${projectId}/contacts/save`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...(contactId ? { id: contactId } : {}), values }),
    });
    const result = (await response.json()) as { ok: true; id: string } | { ok: false; errors: FieldError[] };
    setSaving(false);
    if (result.ok) {
      setErrors([]);
      onSaved(result.id);
    } else setErrors(result.errors);
  };
  const explain = (e: FieldError) => t(`lists.errors.${e.code}`, e.params ?? {});
  // One error schema per answer: the form re-merges its errors whenever this object changes.
  const extraErrors = useMemo(
    () =>
      toErrorSchema(
        Object.fromEntries(
          errors.filter((e) => e.field !== '_form').map((e) => [e.field, t(`lists.errors.${e.code}`, e.params ?? {})]),
        ),
      ),
    [errors, t],
  );
  const formErrors = errors.filter((e) => e.field === '_form');
  return (
    <div data-testid="contact-form">
      {formErrors.length ? <Alert type="error" showIcon message={formErrors.map(explain).join('; ')} /> : null}
      <SchemaForm
        schema={schema as RJSFSchema}
        uiSchema={uiSchema as UiSchema}
        formData={data}
        extraErrors={extraErrors}
        disabled={saving}
        serverValidates
        submitText={t('common.save')}
        onChange={setData}
        onSubmit={submit}
      />
    </div>
  );
}
