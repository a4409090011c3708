import type { RJSFSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import type { JsonSchema } from './sdk';

/**
 * Validate a config against the plugin's JSON Schema with the same validator the generated form
 * uses in the browser (react-jsonschema-form's ajv8), so both sides agree. Returns field errors
 * keyed by dotted path (`_form` for the root), or null when valid.
 */
export function validateConfig(schema: JsonSchema, config: unknown): Record<string, string> | null {
  const { errors } = validator.validateFormData(config, schema as RJSFSchema);
  if (!errors.length) return null;
  const out: Record<string, string> = {};
  for (const error of errors) {
    const path = (error.property ?? '').replace(/^\./, '') || '_form';
    out[path] ??= error.message ?? 'invalid';
  }
  return out;
}
