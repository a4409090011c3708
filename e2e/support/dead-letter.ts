import { openDatabase } from '../../app/db/database.server';
import { disconnectPrisma, prisma } from '../../app/db/prisma.server';
import { deliverWriteBack } from '../../app/modules/wrapup/outbox.server';
import { crmInstallation, endedCall, wrapUpProject } from '../../app/modules/wrapup/testing.server';
import { submitWrapUp } from '../../app/modules/wrapup/wrapup.server';

// For e2e/wrapup.spec.ts: attaches to the e2e server's embedded PostgreSQL (WAIHU_DATA_DIR), records
// a wrap-up on a project whose CRM is down, and tries its write-back until it is a dead letter.
// Prints { projectName, writeBackId }.
const [baseUrl = '', secret = ''] = process.argv.slice(2);
const database = await openDatabase();
const fixture = await wrapUpProject({ crmInstallationId: await crmInstallation(baseUrl, secret) });
const call = await endedCall(fixture);
const result = await submitWrapUp(fixture.actor, { attemptId: call.attemptId, dispositionCode: 'success.done' }, new Date(), {
  enqueue: false,
});
if (!result.ok) throw new Error(JSON.stringify(result.errors));
const row = await prisma.writeBack.findFirstOrThrow({ where: { wrapUpId: result.wrapUpId } });
for (let i = 0; i < 30; i++) {
  const current = await prisma.writeBack.findUniqueOrThrow({ where: { id: row.id } });
  if (current.state === 'dead') break;
  await deliverWriteBack(row.id, current.nextTryAt);
}
const project = await prisma.project.findUniqueOrThrow({ where: { id: fixture.projectId }, select: { name: true } });
process.stdout.write(`${JSON.stringify({ projectName: project.name, writeBackId: row.id })}\n`);
await disconnectPrisma();
await database.close();
// The plugin sandbox's child process would keep this one alive.
process.exit(0);
