import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { ruleErrorText } from '../../rules/errors';
import type { RuleError } from '../../rules/types';

/** Rule errors as text in the user's language. */
export function useRuleErrorText(): (error: RuleError) => string {
  const { t } = useTranslation();
  return (error) => ruleErrorText(error, (key, params) => t(key, params ?? {}));
}

export function RuleErrors({ errors, testId }: { errors: RuleError[]; testId?: string }) {
  const text = useRuleErrorText();
  if (!errors.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      data-testid={testId}
      title={
        <ul style={{ margin: 0, paddingLeft: 16 }}>
          {errors.map((e, i) => (
            <li key={`${e.key}-${e.from ?? i}-${e.path?.join('.') ?? ''}`}>
              {e.path ? `[${e.path.map((p) => p + 1).join('.')}] ` : ''}
              {text(e)}
            </li>
          ))}
        </ul>
      }
    />
  );
}
