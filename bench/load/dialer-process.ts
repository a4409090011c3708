import { disconnectPrisma } from '../../app/db/prisma.server';
import { startDialer } from '../../app/modules/dialing/dialer.server';
import { closeLive } from '../../app/modules/dialing/live.server';
import { createSimSwitch } from '../../app/telephony/sim/sim-switch';
import { benchSwitchOptions } from '../dialing-floor';

// bench:load's dialer process: `waihu dialer` with the benchmark's sim switch (bench:dialer's big
// trunks and profile) instead of the configured one, and no auto-agents: every call is bridged to
// an agent whose workstation is a simulated browser on the web process (the dialer holds their line).

const dialer = await startDialer({
  dialerId: 'load',
  autoAgents: false,
  softswitch: createSimSwitch(benchSwitchOptions(Number(process.env.WAIHU_SIM_TIME_SCALE ?? 50), 'load')),
});
let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await dialer.stop();
  await closeLive();
  await disconnectPrisma();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
