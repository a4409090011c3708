import { openDatabase } from '../../app/db/database.server';
import { disconnectPrisma, prisma } from '../../app/db/prisma.server';
import { decryptString } from '../../app/utils/data-key.server';

// For e2e/workstation.spec.ts, playing the customer and the auditor: attaches to the e2e server's
// database (WAIHU_DATA_DIR) and prints, for an attempt's contact, the last four characters of the
// ID card (the customer knows them; the agent's screen never shows them) and the case status.
const [attemptId = ''] = process.argv.slice(2);
const database = await openDatabase();
const attempt = await prisma.callAttempt.findUniqueOrThrow({ where: { id: attemptId } });
const contact = await prisma.contact.findUniqueOrThrow({ where: { id: attempt.contactId } });
const idCard = (contact.fields as Record<string, { cipher?: string } | undefined>).idCard;
const idLast4 = idCard?.cipher ? decryptString(idCard.cipher).slice(-4) : '';
process.stdout.write(`${JSON.stringify({ idLast4, status: contact.status })}\n`);
await disconnectPrisma();
await database.close();
process.exit(0);
