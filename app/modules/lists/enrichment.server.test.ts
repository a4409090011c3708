import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeCrm, startFakeCrm } from '../../../plugins/webhook-crm/fake-crm';
import { prisma } from '../../db/prisma.server';
import { createInstallation, saveConfig, setEnabled } from '../../plugins/installations.server';
import { createProject } from '../projects/projects.server';
import { importFromApi } from './api-import.server';
import { runEnrichment, startEnrichment } from './enrichment.server';
import { customField, FIXED_FIELDS, type FieldDef } from './field-template';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 2).toString('base64');
const SECRET = 'enrichment-secret-0123';
const actor = { name: 'admin' };
const FIELDS: FieldDef[] = [
  ...FIXED_FIELDS,
  customField('level', 'text', { label: { zh: '等级', en: 'Level' } }),
  customField('idCard', 'idCard', { label: { zh: '身份证', en: 'ID' }, sensitive: true }),
];
let crm: FakeCrm;
let projectId = '';

beforeAll(async () => {
  // The business system knows two of the three customers (by our external id).
  crm = await startFakeCrm(SECRET, {
    'CUST-1': { tags: ['高净值', 'VIP'], fields: { level: 'gold', idCard: 'should never be stored', unknownField: 1 } },
    'CUST-2': { tags: ['理财'] },
  });
  const installation = await createInstallation(actor, 'webhook-crm', 'CRM');
  await saveConfig(actor, installation.id, { baseUrl: crm.url, hmacSecret: SECRET });
  await setEnabled(actor, installation.id, true);
  projectId = (await createProject(actor, { name: '富化', type: 'sales', description: '', fields: FIELDS })).id;
  await prisma.project.update({ where: { id: projectId }, data: { crmInstallationId: installation.id } });
  await importFromApi(projectId, 'k', [
    { externalId: 'CUST-1', name: '甲', phone: '13711110001', tags: ['文件标签'] },
    { externalId: 'CUST-2', name: '乙', phone: '13711110002' },
    { externalId: 'CUST-3', name: '丙', phone: '13711110003' },
  ]);
});
afterAll(() => crm.close());

describe('CRM enrichment', () => {
  it('merges the tags and template fields the CRM returns, through the real plugin over signed HTTP', async () => {
    const run = await startEnrichment(actor, projectId);
    await runEnrichment(run.id);
    expect(await prisma.enrichmentRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      status: 'done',
      processed: 3,
      enriched: 2,
      failed: 0,
    });
    const contacts = await prisma.contact.findMany({
      where: { projectId },
      orderBy: { externalId: 'asc' },
      select: { tags: true, tagSources: true, fields: true },
    });
    expect(contacts[0]?.tags.sort()).toEqual(['VIP', '文件标签', '高净值']);
    expect(contacts[0]?.tagSources).toEqual({ VIP: 'crm', 高净值: 'crm', 文件标签: 'file' });
    // Only declared, non-sensitive template fields are taken.
    expect(contacts[0]?.fields).toEqual({ level: 'gold' });
    expect(contacts[1]?.tags).toEqual(['理财']);
    expect(contacts[2]?.tags).toEqual([]);
    expect(crm.requests.filter((r) => r.path === '/enrich').every((r) => r.verified)).toBe(true);
    // No phone number ever leaves for the CRM.
    expect(crm.requests.map((r) => r.body).join('')).not.toMatch(/1371111000/);
  });

  it('records a failing CRM on the run instead of losing the contacts', async () => {
    crm.failNext(10);
    const run = await startEnrichment(actor, projectId);
    await runEnrichment(run.id);
    const done = await prisma.enrichmentRun.findUniqueOrThrow({ where: { id: run.id } });
    expect(done).toMatchObject({ status: 'done', processed: 3, enriched: 0, failed: 3 });
    expect(done.error).toBeTruthy();
  });
});
