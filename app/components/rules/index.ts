export { ConditionBuilder, type ConditionBuilderProps, EMPTY_CONDITION } from './ConditionBuilder';
export { FormulaEditor, type FormulaEditorProps } from './FormulaEditor';
export { RuleErrors, useRuleErrorText } from './RuleErrors';
export { RuleTestPanel } from './RuleTestPanel';
export { type RuleUnderTest, useRuleTest } from './useRuleTest';
