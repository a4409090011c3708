import type { RJSFSchema, UiSchema } from '@rjsf/utils';
import { Card, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type FieldDef, FieldDefSchema } from '../../modules/lists/field-template';
import { toJsonSchema } from '../../modules/lists/template-form';
import { SchemaForm } from '../SchemaForm';

/** The contact form this template makes, live while it is edited (the same form the drawer shows). */
export function TemplatePreview({ fields }: { fields: FieldDef[] }) {
  const { t, i18n } = useTranslation();
  const [data, setData] = useState<Record<string, unknown>>({});
  // Rows still being typed (no key yet, a key used twice) are left out until they are valid.
  const usable = useMemo(() => {
    const seen = new Set<string>();
    return fields.filter((f) => {
      const ok = FieldDefSchema.safeParse(f).success && !seen.has(f.key);
      seen.add(f.key);
      return ok;
    });
  }, [fields]);
  const { schema, uiSchema } = toJsonSchema(usable, i18n.language === 'en' ? 'en' : 'zh');
  return (
    <Card size="small" title={t('lists.rules.preview')} data-testid="template-preview">
      <Typography.Paragraph type="secondary">{t('lists.rules.previewHelp')}</Typography.Paragraph>
      <SchemaForm
        schema={schema as RJSFSchema}
        uiSchema={uiSchema as UiSchema}
        formData={data}
        onChange={setData}
        serverValidates
      />
    </Card>
  );
}
