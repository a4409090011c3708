import os from 'node:os';
import { readSetting, writeSetting } from '../../modules/system/settings.server';

export const HEARTBEAT_SETTING = 'system.heartbeat';

export interface Heartbeat {
  at: string;
  worker: string;
  reason: string;
  runs: number;
}

/** Proves a worker picks up jobs: the health page shows when this last ran and where. */
export async function runHeartbeat(reason: string): Promise<Heartbeat> {
  const previous = await readSetting<Heartbeat>(HEARTBEAT_SETTING);
  const beat: Heartbeat = {
    at: new Date().toISOString(),
    worker: `${os.hostname()}:${process.pid}`,
    reason,
    runs: (previous?.runs ?? 0) + 1,
  };
  await writeSetting(HEARTBEAT_SETTING, { ...beat });
  return beat;
}
