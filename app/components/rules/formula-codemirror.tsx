import { autocompletion, type Completion, type CompletionContext, type CompletionResult } from '@codemirror/autocomplete';
import { javascript } from '@codemirror/lang-javascript';
import { type Diagnostic, linter, lintGutter } from '@codemirror/lint';
import CodeMirror from '@uiw/react-codemirror';
import { useMemo } from 'react';
import { fieldValueType, type ValueType } from '../../rules/formula';
import { MATH_CONSTANTS, MATH_FUNCTIONS, METHODS, PROPERTIES } from '../../rules/formula-methods';
import { fieldLabel, type RuleError, type RuleScope } from '../../rules/types';

// The CodeMirror side of the formula editor, loaded only in the browser (FormulaEditor imports
// it on mount): highlighting, completion of scope variables and methods, inline errors.

export interface FormulaCodeMirrorProps {
  value: string;
  onChange: (value: string) => void;
  scope: RuleScope;
  language: string;
  /** Errors of the current text (from `checkFormula`), with their messages already translated. */
  diagnose: (source: string) => { error: RuleError; message: string }[];
  placeholder?: string;
  typeLabel: (type: string) => string;
}

function completions(scope: RuleScope, language: string, typeLabel: (t: string) => string) {
  const variables = new Map(scope.fields.map((f) => [f.name, fieldValueType(f.type)]));
  return (context: CompletionContext): CompletionResult | null => {
    const member = context.matchBefore(/[A-Za-z_][A-Za-z0-9_]*\??\.[A-Za-z_]*$/);
    if (member) {
      const [owner = ''] = member.text.split(/\??\./);
      const from = member.from + member.text.lastIndexOf('.') + 1;
      if (owner === 'Math' && !variables.has('Math')) {
        const options: Completion[] = [
          ...Object.keys(MATH_FUNCTIONS).map((name) => ({ label: name, type: 'function', apply: `${name}()` })),
          ...MATH_CONSTANTS.map((name) => ({ label: name, type: 'constant' })),
        ];
        return { from, options };
      }
      const type = variables.get(owner);
      if (!type) return null;
      const options: Completion[] = [
        ...Object.keys(PROPERTIES[type as ValueType] ?? {}).map((name) => ({ label: name, type: 'property' })),
        ...Object.keys(METHODS[type as ValueType] ?? {}).map((name) => ({ label: name, type: 'method', apply: `${name}()` })),
      ];
      return { from, options };
    }
    const word = context.matchBefore(/[A-Za-z_][A-Za-z0-9_]*$/);
    if (!word && !context.explicit) return null;
    return {
      from: word?.from ?? context.pos,
      options: [
        ...scope.fields.map((f) => ({
          label: f.name,
          type: 'variable',
          detail: typeLabel(f.type),
          info: f.description ? (language === 'en' ? f.description.en : f.description['zh-CN']) : fieldLabel(f, language),
        })),
        { label: 'Math', type: 'namespace' },
      ],
      validFor: /^[A-Za-z0-9_]*$/,
    };
  };
}

export default function FormulaCodeMirror({
  value,
  onChange,
  scope,
  language,
  diagnose,
  placeholder,
  typeLabel,
}: FormulaCodeMirrorProps) {
  const extensions = useMemo(
    () => [
      javascript(),
      autocompletion({ override: [completions(scope, language, typeLabel)], activateOnTyping: true }),
      lintGutter(),
      linter(
        (view): Diagnostic[] => {
          const length = view.state.doc.length;
          return diagnose(view.state.doc.toString()).map(({ error, message }) => {
            const from = Math.min(error.from ?? 0, length);
            return { from, to: Math.min(Math.max(error.to ?? from + 1, from), length), severity: 'error', message };
          });
        },
        { delay: 150 },
      ),
    ],
    [scope, language, diagnose, typeLabel],
  );
  return (
    <CodeMirror
      value={value}
      onChange={onChange}
      extensions={extensions}
      placeholder={placeholder}
      minHeight="72px"
      basicSetup={{ lineNumbers: true, foldGutter: false, highlightActiveLine: false }}
      data-testid="formula-codemirror"
    />
  );
}
