import { prisma } from '../../db/prisma.server';

// Bulk contacts for tests and the assignment benchmark: generated in SQL, no phone in clear
// (placeholder ciphertext), so a hundred thousand rows take a second.

/** Inserts `count` contacts; `age` cycles 20…79, so `age >= 60` selects a third of them. */
export async function insertContacts(projectId: string, count: number, start = 0): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO "Contact" ("projectId", "name", "phoneHash", "phoneMasked", "phoneKind", "fields", "tags", "updatedAt")
    SELECT ${projectId}::uuid, '客户' || i, md5(${projectId} || i::text), '138****' || lpad((i % 10000)::text, 4, '0'), 'mobile',
           jsonb_build_object('age', 20 + (i % 60), 'city', (ARRAY['上海', '北京', '成都'])[1 + i % 3]),
           CASE WHEN i % 10 = 0 THEN ARRAY['VIP'] ELSE ARRAY[]::text[] END, now()
    FROM generate_series(${start + 1}::int, ${start + count}::int) AS i`;
}
