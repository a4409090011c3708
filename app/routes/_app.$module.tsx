import { useLoaderData } from '@remix-run/react';
import { NotAvailable } from '../components/NotAvailable';
import { unbuiltModule } from '../components/navigation';
import { withPermission } from '../modules/auth/guard.server';

// Modules not built yet: each keeps its place in the navigation and its permission, and says
// honestly that it is not available. A built module's own route takes precedence over this one.
export const loader = withPermission(
  ({ params }) => unbuiltModule(params.module ?? '')?.permission ?? null,
  ({ params }) => ({ moduleKey: unbuiltModule(params.module ?? '')!.key }),
);

export default function ModuleNotAvailable() {
  const { moduleKey } = useLoaderData<typeof loader>();
  return <NotAvailable moduleKey={moduleKey} />;
}
