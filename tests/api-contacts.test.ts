import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../app/db/prisma.server';
import { createApiKey, revokeApiKey } from '../app/modules/lists/api-keys.server';
import { isDoNotCall } from '../app/modules/lists/dnc.server';
import { openApiDocument } from '../app/modules/lists/openapi';
import { createProject } from '../app/modules/projects/projects.server';
import { action as pushContacts } from '../app/routes/api.v1.projects.$projectId.contacts';
import { action as pushDnc } from '../app/routes/api.v1.projects.$projectId.dnc';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 9).toString('base64');
let projectId = '';
let otherProjectId = '';
let key = '';

beforeAll(async () => {
  projectId = (await createProject({ name: 't' }, { name: 'API', type: 'reminder', description: '' })).id;
  otherProjectId = (await createProject({ name: 't' }, { name: 'Other', type: 'survey', description: '' })).id;
  key = (await createApiKey({ name: 't' }, projectId, 'CRM', ['contacts.write', 'dnc.write'])).key;
});

async function push(body: unknown, opts: { key?: string; project?: string } = {}) {
  const request = new Request(`http://localhost/api/v1/projects/${opts.project ?? projectId}/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(opts.key !== '' ? { authorization: `Bearer ${opts.key ?? key}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const response = (await pushContacts({ request, params: { projectId: opts.project ?? projectId }, context: {} })) as Response;
  return { status: response.status, body: await response.json() };
}

describe('POST /api/v1/projects/{id}/contacts', () => {
  it('refuses missing, wrong-project and revoked keys', async () => {
    expect((await push({ contacts: [] }, { key: '' })).status).toBe(401);
    expect((await push({ contacts: [{}] }, { project: otherProjectId })).status).toBe(403);
    const temporary = await createApiKey({ name: 't' }, projectId, 'old', ['contacts.write']);
    await revokeApiKey(
      { name: 't' },
      projectId,
      (await prisma.apiKey.findFirstOrThrow({ where: { prefix: temporary.prefix } })).id,
    );
    expect((await push({ contacts: [{}] }, { key: temporary.key })).status).toBe(401);
    const readOnly = await createApiKey({ name: 't' }, projectId, 'reader', ['contacts.read']);
    expect((await push({ contacts: [{}] }, { key: readOnly.key })).status).toBe(403);
  });

  it('imports valid items, reports each invalid one by index, and is idempotent by externalId', async () => {
    const batch = {
      contacts: [
        { externalId: 'C-1', name: '钱一', phone: '13811110001', tags: ['VIP'] },
        { externalId: 'C-2', name: '孙二', phone: '+86 139 1111 0002', city: '杭州' },
        { externalId: 'C-3', name: '', phone: '123' },
        'not an object',
      ],
    };
    const first = await push(batch);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ accepted: 2, duplicates: 0, rejected: 2 });
    expect(first.body.errors).toEqual([
      {
        index: 2,
        externalId: 'C-3',
        errors: [
          { field: 'name', code: 'value.required' },
          { field: 'phone', code: 'phone.invalid' },
        ],
      },
      { index: 3, externalId: null, errors: [{ field: '_item', code: 'value.notAnObject' }] },
    ]);
    const again = await push(batch);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, rejected: 2 });
    // The same external id with another phone is explained, not silently merged.
    const clash = await push({ contacts: [{ externalId: 'C-1', name: '钱一', phone: '13811119999' }] });
    expect(clash.body.errors).toEqual([
      { index: 0, externalId: 'C-1', errors: [{ field: 'externalId', code: 'value.externalIdTaken' }] },
    ]);
    const stored = await prisma.contact.findMany({
      where: { projectId },
      orderBy: { externalId: 'asc' },
      select: { externalId: true, phoneMasked: true, tags: true },
    });
    expect(stored).toEqual([
      { externalId: 'C-1', phoneMasked: '138****0001', tags: ['VIP'] },
      { externalId: 'C-2', phoneMasked: '139****0002', tags: [] },
    ]);
  });

  it('answers a malformed body with 400 and what is expected', async () => {
    const bad = await push('{"contacts": ');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/1 to 10000 items/);
    expect((await push({ contacts: Array.from({ length: 10_001 }, () => ({})) })).status).toBe(400);
  });
});

describe('POST /api/v1/projects/{id}/dnc', () => {
  it('records opt-outs, marks the contacts, and reports unreadable numbers', async () => {
    const request = new Request(`http://localhost/api/v1/projects/${projectId}/dnc`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ phones: ['+86 138 1111 0001', 'nonsense'] }),
    });
    const response = (await pushDnc({ request, params: { projectId }, context: {} })) as Response;
    expect(await response.json()).toEqual({
      added: 1,
      already: 0,
      contactsMarked: 1,
      invalid: [{ value: 'nonsense', reason: 'phone.notANumber' }],
    });
    expect(await prisma.contact.findFirstOrThrow({ where: { projectId, externalId: 'C-1' } })).toMatchObject({ dnc: true });
  });
});

describe('tokenised numbers and consent through the API', () => {
  it('stores a contact sent with a phone token without any number, dedups by the system hash, and records consent', async () => {
    const batch = {
      contacts: [
        { externalId: 'T-1', name: '令牌客户', phoneToken: 'tok_8f3a91c2', phoneHash: 'sys-hash-001', consent: '同意' },
        { externalId: 'T-2', name: '令牌重复', phoneToken: 'tok_other', phoneHash: 'sys-hash-001' },
        { externalId: 'T-3', name: '两者都给', phone: '13800009999', phoneToken: 'tok_x' },
        { externalId: 'T-4', name: '同意不明', phone: '13800009998', consent: 'maybe' },
      ],
    };
    const result = await push(batch);
    expect(result.body).toMatchObject({ accepted: 1, duplicates: 1, rejected: 2 });
    expect(
      result.body.errors.map((e: { index: number; errors: { code: string }[] }) => [e.index, e.errors.map((x) => x.code)]),
    ).toEqual([
      [2, ['value.tokenWithPhone']],
      [3, ['value.notConsent']],
    ]);
    const stored = await prisma.contact.findFirstOrThrow({ where: { projectId, externalId: 'T-1' } });
    expect(stored).toMatchObject({
      phoneCipher: null,
      phoneKind: 'token',
      phoneMasked: 'token …91c2',
      phoneHash: 'sys:sys-hash-001',
      consentStatus: 'granted',
    });
    expect(stored.phoneToken).toMatch(/^v1:/);
    expect(stored.consentEvidence).toMatchObject({ status: 'granted', source: expect.stringMatching(/^api:/) });
  });
});

async function dnc(body: unknown) {
  const request = new Request(`http://localhost/api/v1/projects/${projectId}/dnc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
  const response = (await pushDnc({ request, params: { projectId }, context: {} })) as Response;
  return { status: response.status, body: await response.json() };
}

describe('do-not-call by phone token through the API', () => {
  it('blocks tokenised contacts by their token (and system hash), and the dialer gate sees them', async () => {
    await push({
      contacts: [
        { externalId: 'K-1', name: '只有令牌', phoneToken: 'tok_only_0001' },
        { externalId: 'K-2', name: '令牌加哈希', phoneToken: 'tok_hashed_0002', phoneHash: 'sys-hash-k2' },
        { externalId: 'K-3', name: '不拦截', phoneToken: 'tok_free_0003' },
      ],
    });
    const contact = (externalId: string) => prisma.contact.findFirstOrThrow({ where: { projectId, externalId } });
    expect((await contact('K-1')).dnc).toBe(false);

    const result = await dnc({
      tokens: [{ phoneToken: 'tok_only_0001' }, { phoneToken: 'tok_hashed_0002', phoneHash: 'sys-hash-k2' }],
    });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ contactsMarked: 2, invalid: [] });
    expect((await contact('K-1')).dnc).toBe(true);
    expect((await contact('K-2')).dnc).toBe(true);
    expect((await contact('K-3')).dnc).toBe(false);
    expect(await isDoNotCall(projectId, (await contact('K-2')).phoneHash)).toBe(true);
    expect(await isDoNotCall(projectId, (await contact('K-3')).phoneHash)).toBe(false);
    // Entries show the token's tail only, never the token.
    const entries = await prisma.dncEntry.findMany({ where: { scope: projectId, phoneMasked: { startsWith: 'token' } } });
    expect(entries.map((e) => e.phoneMasked).sort()).toEqual(['token …0001', 'token …0002', 'token …0002']);
    expect(JSON.stringify(entries.map((e) => [e.phoneHash, e.phoneMasked, e.note]))).not.toContain('tok_only_0001');
  });

  it('the OpenAPI document describes tokens in the do-not-call body', () => {
    const body = openApiDocument().paths['/projects/{projectId}/dnc'].post.requestBody.content['application/json'].schema as {
      properties: Record<string, { items?: { required?: string[] } }>;
    };
    expect(Object.keys(body.properties)).toEqual(['phones', 'tokens', 'note']);
    expect(body.properties.tokens?.items?.required).toEqual(['phoneToken']);
  });

  it('refuses a body with neither numbers nor tokens', async () => {
    expect((await dnc({ tokens: [] })).status).toBe(400);
    expect((await dnc({ tokens: [{ phoneHash: 'x' }] })).status).toBe(400);
  });
});
