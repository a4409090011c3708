import { describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { audit } from './audit.server';

// The audit log is append-only in the database itself (migration privacy_audit_append_only):
// whatever code runs with the application's connection cannot rewrite or erase history.
describe('audit log', () => {
  it("cannot be updated, deleted or truncated through the app's database client", async () => {
    await audit({ name: 'admin', ip: '10.0.0.1' }, 'contacts.unmask', 'contact:1', { field: 'phone' });
    await audit({ name: 'admin' }, 'contacts.export', 'project:1');
    const before = await prisma.auditLog.findMany({ orderBy: { id: 'asc' } });
    expect(before).toHaveLength(2);
    const first = before[0]!;

    const refused = /immutable/;
    await expect(prisma.auditLog.update({ where: { id: first.id }, data: { actor: 'someone else' } })).rejects.toThrow(refused);
    await expect(prisma.auditLog.updateMany({ data: { details: {} } })).rejects.toThrow(refused);
    await expect(prisma.auditLog.delete({ where: { id: first.id } })).rejects.toThrow(refused);
    await expect(prisma.auditLog.deleteMany({ where: { action: 'contacts.unmask' } })).rejects.toThrow(refused);
    await expect(prisma.$executeRawUnsafe('DELETE FROM "AuditLog"')).rejects.toThrow(refused);
    await expect(prisma.$executeRawUnsafe('TRUNCATE "AuditLog"')).rejects.toThrow(refused);
    await expect(
      prisma.$transaction([prisma.auditLog.create({ data: { actor: 'x', action: 'y' } }), prisma.auditLog.deleteMany({})]),
    ).rejects.toThrow(refused);

    // Nothing changed, and appending still works.
    expect(await prisma.auditLog.findMany({ orderBy: { id: 'asc' } })).toEqual(before);
    await audit({ name: 'admin' }, 'users.update', 'user:2');
    expect(await prisma.auditLog.count()).toBe(3);
  });
});
