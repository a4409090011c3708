import { Input, Space, Tag, Typography } from 'antd';
import { type ComponentType, useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkFormula, type ValueType } from '../../rules/formula';
import type { RuleScope, ScopeRow } from '../../rules/types';
import type { FormulaCodeMirrorProps } from './formula-codemirror';
import { RuleErrors, useRuleErrorText } from './RuleErrors';
import { RuleTestPanel } from './RuleTestPanel';

export interface FormulaEditorProps {
  scope: RuleScope;
  value: string;
  onChange: (value: string) => void;
  /** The type the place using the formula needs (a score is a number, a segment is text). */
  expect?: ValueType;
  /** With sample rows, a "test against sample data" panel is shown under the editor. */
  samples?: ScopeRow[];
  onSamplesChange?: (rows: ScopeRow[]) => void;
}

/**
 * A forgiving formula editor: highlighting, completion from the scope, errors inline and
 * listed with their position, checked as the user types by the same `checkFormula` as on save.
 */
export function FormulaEditor({ scope, value, onChange, expect, samples, onSamplesChange }: FormulaEditorProps) {
  const { t, i18n } = useTranslation();
  const errorText = useRuleErrorText();
  // CodeMirror touches the DOM and ships ES modules Node cannot load: the browser loads it after the first render.
  const [Editor, setEditor] = useState<ComponentType<FormulaCodeMirrorProps> | null>(null);
  useEffect(() => {
    let live = true;
    void import('./formula-codemirror').then((m) => {
      if (live) setEditor(() => m.default);
    });
    return () => {
      live = false;
    };
  }, []);

  const checked = useMemo(() => checkFormula(value, scope, expect), [value, scope, expect]);
  const diagnose = useCallback(
    (source: string) => {
      const r = checkFormula(source, scope, expect);
      return r.ok ? [] : r.errors.map((error) => ({ error, message: errorText(error) }));
    },
    [scope, expect, errorText],
  );
  const typeLabel = useCallback((type: string) => t(`rules.types.${type}`), [t]);

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="formula-editor">
      <div style={{ border: '1px solid #d9d9d9', borderRadius: 6, overflow: 'hidden' }}>
        {Editor ? (
          <Editor
            value={value}
            onChange={onChange}
            scope={scope}
            language={i18n.language}
            diagnose={diagnose}
            placeholder={t('rules.formulaPlaceholder')}
            typeLabel={typeLabel}
          />
        ) : (
          <Input.TextArea
            value={value}
            onChange={(e) => onChange(e.target.value)}
            autoSize={{ minRows: 3 }}
            variant="borderless"
            style={{ fontFamily: 'monospace' }}
            placeholder={t('rules.formulaPlaceholder')}
          />
        )}
      </div>
      <Typography.Text type="secondary">
        {t('rules.variables')}:{' '}
        {scope.fields.map((f) => (
          <Tag key={f.name} style={{ cursor: 'pointer' }} onClick={() => onChange(value ? `${value} ${f.name}` : f.name)}>
            {f.name}
          </Tag>
        ))}
      </Typography.Text>
      {checked.ok ? (
        <Typography.Text type="success" data-testid="formula-ok">
          {t('rules.valid')} · {t(`rules.types.${checked.value.type}`)}
        </Typography.Text>
      ) : (
        <RuleErrors testId="formula-errors" errors={checked.errors} />
      )}
      {samples ? (
        <RuleTestPanel
          scope={scope}
          rule={checked.ok ? { kind: 'formula', source: value } : null}
          samples={samples}
          onSamplesChange={onSamplesChange}
        />
      ) : null}
    </Space>
  );
}
