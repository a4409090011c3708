import { json } from '@remix-run/node';
import { InstallationError } from './installations.server';
import { PluginError } from './registry.server';

/** Expected failures of plugin commands as an action answer; anything else is a real 500. */
export function actionError(error: unknown): { ok: false; errors: Record<string, string> } {
  if (error instanceof InstallationError) {
    if (error.code === 'not_found') throw json({ error: 'not_found' }, { status: 404 });
    return { ok: false, errors: { _form: error.message, ...error.fields } };
  }
  if (error instanceof PluginError) return { ok: false, errors: { _form: error.message } };
  throw error;
}
