import { withPermission } from '../modules/auth/guard.server';
import { openApiDocument } from '../modules/lists/openapi';

// The API's description, public like any API reference; it contains no data.
export const loader = withPermission('public', () => Response.json(openApiDocument()));
