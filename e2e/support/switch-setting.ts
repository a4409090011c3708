import { openDatabase } from '../../app/db/database.server';
import { disconnectPrisma, prisma } from '../../app/db/prisma.server';
import { writeSetting } from '../../app/modules/system/settings.server';
import { rotateDirectoryKey } from '../../app/modules/workstation/verto-credentials.server';

// For e2e/softphone.spec.ts: attaches to the e2e server's database (WAIHU_DATA_DIR) and points the
// switch setting at the test Verto server (`freeswitch <vertoUrl>`, printing a new directory key
// for it), or puts the embedded sim switch back (`sim`). The settings page is another test's
// subject; here only the stored Setting changes.
const [kind = '', vertoUrl = ''] = process.argv.slice(2);
const database = await openDatabase();
let out: Record<string, string> = {};
if (kind === 'freeswitch') {
  await writeSetting('telephony.switch', {
    kind: 'freeswitch',
    freeswitch: {
      eslHost: '127.0.0.1',
      eslPort: 8021,
      vertoUrl,
      vertoDomain: '127.0.0.1',
      amd: 'off',
      tts: { engine: 'none', voice: '' },
    },
  });
  out = { directoryKey: await rotateDirectoryKey({ name: 'e2e' }) };
  // The e2e dialer keeps the sim switch it started with: the demo agent must not be ready for its
  // calls while this browser's line is the test Verto server (earlier specs may have left them ready).
  const agent = await prisma.user.findUniqueOrThrow({ where: { login: 'agent' }, select: { id: true } });
  await prisma.agentPresence.updateMany({
    where: { userId: agent.id },
    data: { state: 'paused', since: new Date(), attemptId: null, pauseReason: null },
  });
} else if (kind === 'sim') {
  await writeSetting('telephony.switch', { kind: 'sim' });
} else throw new Error('usage: switch-setting.ts freeswitch <vertoUrl> | sim');
process.stdout.write(`${JSON.stringify(out)}\n`);
await disconnectPrisma();
await database.close();
process.exit(0);
