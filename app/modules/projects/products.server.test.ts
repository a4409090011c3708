import { beforeAll, describe, expect, it } from 'vitest';
import { prisma } from '../../db/prisma.server';
import { importFromApi } from '../lists/api-import.server';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { ProductInvalid, recommendProducts, saveProduct } from './products.server';
import { createProject } from './projects.server';

process.env.WAIHU_DATA_KEY = Buffer.alloc(32, 12).toString('base64');
const actor = { name: 'supervisor' };

let projectId = '';
const ids: Record<string, bigint> = {};

beforeAll(async () => {
  projectId = (
    await createProject(actor, {
      name: '房产',
      type: 'sales',
      description: '',
      fields: [...FIXED_FIELDS, customField('budget', 'money'), customField('homeOwner', 'boolean')],
    })
  ).id;
  await importFromApi(projectId, 'k', [
    { externalId: 'A', name: '业主', phone: '13500001111', homeOwner: '是', budget: 500 },
    { externalId: 'B', name: '租客', phone: '13500002222', homeOwner: '否', budget: 80, tags: ['VIP'] },
  ]);
  for (const c of await prisma.contact.findMany({ where: { projectId } })) ids[c.externalId!] = c.id;
  const when = (field: string, operator: string, value: unknown) => ({ combinator: 'and', rules: [{ field, operator, value }] });
  await saveProduct(actor, projectId, {
    code: 'loan',
    name: '置换贷款',
    price: '0',
    description: '',
    link: null,
    eligibility: when('homeOwner', 'isTrue', null),
    rankFormula: 'budget * 2',
    active: true,
  });
  await saveProduct(actor, projectId, {
    code: 'rent',
    name: '租房服务',
    price: 1999,
    description: '',
    link: null,
    eligibility: when('homeOwner', 'isFalse', null),
    rankFormula: '10',
    active: true,
  });
  await saveProduct(actor, projectId, {
    code: 'vip',
    name: '贵宾顾问',
    price: '¥5,000',
    description: '',
    link: null,
    eligibility: when('tags', 'has', 'VIP'),
    rankFormula: '1000',
    active: true,
  });
});

describe('products', () => {
  it('are recommended when their condition holds, ranked by their formula', async () => {
    expect((await recommendProducts(projectId, ids.A!)).map((p) => [p.code, p.score])).toEqual([['loan', 1000]]);
    expect((await recommendProducts(projectId, ids.B!)).map((p) => [p.code, p.score, p.price])).toEqual([
      ['vip', 1000, '5000.00'],
      ['rent', 10, '1999.00'],
    ]);
  });

  it('refuse a bad price, an unknown field, a non-numeric formula and a duplicate code, saying which', async () => {
    const base = {
      code: 'x',
      name: 'x',
      description: '',
      link: null,
      eligibility: { combinator: 'and', rules: [] },
      rankFormula: '1',
      active: true,
    };
    await expect(saveProduct(actor, projectId, { ...base, price: 'free' })).rejects.toMatchObject({ field: 'price' });
    await expect(
      saveProduct(actor, projectId, {
        ...base,
        price: 1,
        eligibility: { combinator: 'and', rules: [{ field: 'income', operator: '>', value: 1 }] },
      }),
    ).rejects.toMatchObject({ field: 'eligibility' });
    await expect(saveProduct(actor, projectId, { ...base, price: 1, rankFormula: "'high'" })).rejects.toBeInstanceOf(
      ProductInvalid,
    );
    await expect(saveProduct(actor, projectId, { ...base, code: 'loan', price: 1 })).rejects.toMatchObject({ field: 'code' });
  });
});
