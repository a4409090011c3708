import { Space } from 'antd';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type Field, QueryBuilder, type RuleGroupType } from 'react-querybuilder';
import 'react-querybuilder/dist/query-builder.css';
import { type Condition, checkCondition, OPERATORS, operatorsFor } from '../../rules/condition';
import { fieldLabel, type RuleScope, type ScopeRow } from '../../rules/types';
import { ANT_CONTROLS } from './builder-controls';
import { ConditionValueEditor } from './ConditionValueEditor';
import { RuleErrors } from './RuleErrors';
import { RuleTestPanel } from './RuleTestPanel';

export interface ConditionBuilderProps {
  scope: RuleScope;
  /** The condition as stored (react-querybuilder's group shape). */
  value: Condition;
  onChange: (value: Condition) => void;
  /** With sample rows, a "test against sample data" panel is shown under the builder. */
  samples?: ScopeRow[];
  onSamplesChange?: (rows: ScopeRow[]) => void;
  disabled?: boolean;
}

export const EMPTY_CONDITION: Condition = { combinator: 'and', rules: [] };

/**
 * The visual condition builder: fields and operators from the scope, AND/OR groups, nesting.
 * Validation runs as the user edits (the same `checkCondition` the server runs on save).
 */
export function ConditionBuilder({ scope, value, onChange, samples, onSamplesChange, disabled }: ConditionBuilderProps) {
  const { t, i18n } = useTranslation();
  const fields = useMemo<Field[]>(
    () =>
      scope.fields.map((f) => ({
        name: f.name,
        label: fieldLabel(f, i18n.language),
        operators: operatorsFor(f.type).map((op) => ({ name: op, value: op, label: t(`rules.ops.${op}`) })),
        // Our own keys (react-querybuilder reads `values` and `options` itself).
        fieldType: f.type,
        fieldOptions: f.options,
      })),
    [scope, t, i18n.language],
  );
  const checked = useMemo(() => checkCondition(value, scope), [value, scope]);
  const translations = useMemo(
    () => ({
      addRule: { label: t('rules.builder.addRule'), title: t('rules.builder.addRule') },
      addGroup: { label: t('rules.builder.addGroup'), title: t('rules.builder.addGroup') },
      removeRule: { label: '⨯', title: t('rules.builder.remove') },
      removeGroup: { label: '⨯', title: t('rules.builder.remove') },
      notToggle: { label: t('rules.builder.not'), title: t('rules.builder.not') },
      fields: { title: t('rules.builder.field') },
      operators: { title: t('rules.builder.operator') },
      value: { title: t('rules.builder.value') },
    }),
    [t],
  );
  const combinators = useMemo(
    () => [
      { name: 'and', value: 'and', label: t('rules.builder.and') },
      { name: 'or', value: 'or', label: t('rules.builder.or') },
    ],
    [t],
  );
  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="condition-builder">
      <QueryBuilder
        fields={fields}
        query={value as RuleGroupType}
        onQueryChange={(q) => onChange(q as Condition)}
        combinators={combinators}
        translations={translations}
        controlElements={{ ...ANT_CONTROLS, valueEditor: ConditionValueEditor }}
        getDefaultValue={({ operator }) => {
          const arity = (OPERATORS as Record<string, { arity: string }>)[operator]?.arity;
          return arity === 'list' ? [] : arity === 'two' ? ['', ''] : '';
        }}
        resetOnOperatorChange
        showNotToggle
        addRuleToNewGroups
        disabled={disabled}
        controlClassnames={{ queryBuilder: 'queryBuilder-branches' }}
      />
      {checked.ok ? null : <RuleErrors testId="condition-errors" errors={checked.errors} />}
      {samples ? (
        <RuleTestPanel
          scope={scope}
          rule={checked.ok ? { kind: 'condition', condition: checked.value } : null}
          samples={samples}
          onSamplesChange={onSamplesChange}
        />
      ) : null}
    </Space>
  );
}
