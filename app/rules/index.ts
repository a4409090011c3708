// The rule runtime's client-safe API: scopes, checks, compilers and error text. The sandbox
// and evaluation live in runtime.server.ts.
export * from './condition';
export { evaluateCondition } from './condition-eval';
export { CONDITION_HELPERS_SOURCE, conditionToJs } from './condition-js';
export { type ColumnMap, conditionToSql, type SqlFragment, UnmappedFieldError } from './condition-sql';
export { formatRuleError, RuleFailure, ruleError, ruleErrorText, suggestName } from './errors';
export { type CheckedFormula, checkFormula, fieldValueType, MAX_FORMULA_LENGTH, type ValueType } from './formula';
export { MATH_CONSTANTS, MATH_FUNCTIONS, METHODS, PROPERTIES } from './formula-methods';
export * from './samples';
export * from './types';
