import { logger } from '../../utils/logger.server';

/**
 * The dialer role. Pacing loops per running task arrive with the dialing module; until then the
 * process only reports that it runs, so deployments can already be shaped around it.
 */
export async function startDialer(): Promise<{ stop: () => Promise<void> }> {
  const log = logger.child({ role: 'dialer' });
  log.info('dialer started: no tasks to pace yet (the dialing module is not built)');
  return { stop: async () => log.info('dialer stopped') };
}
