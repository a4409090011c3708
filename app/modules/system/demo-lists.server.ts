import fs from 'node:fs';
import path from 'node:path';
import { prisma } from '../../db/prisma.server';
import type { FieldDef } from '../lists/field-template';
import { customField, FIXED_FIELDS } from '../lists/field-template';
import { runImport, uploadsDir } from '../lists/imports.server';
import { saveProduct } from '../projects/products.server';
import { createProject } from '../projects/projects.server';

// Demo business lines with realistic Chinese data, loaded through the real import path.

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程魏苏吕丁任沈'.split('');
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉力燕鹏宇浩凯婷雪琳晨欣怡子涵梓轩'.split('');
const CITIES = [
  ['上海', '上海'],
  ['北京', '北京'],
  ['成都', '四川'],
  ['杭州', '浙江'],
  ['广州', '广东'],
  ['深圳', '广东'],
  ['武汉', '湖北'],
  ['南京', '江苏'],
] as const;
const MOBILE_PREFIXES = [
  '130',
  '131',
  '132',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '158',
  '159',
  '166',
  '177',
  '180',
  '185',
  '186',
  '188',
  '189',
];

/** A small seeded generator, so the demo is the same on every machine. */
export function demoRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  return { next, pick, int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)) };
}

export type DemoRandom = ReturnType<typeof demoRandom>;

export function demoName(r: DemoRandom): string {
  return r.pick(SURNAMES) + r.pick(GIVEN) + (r.next() < 0.6 ? r.pick(GIVEN) : '');
}

export function demoMobile(r: DemoRandom): string {
  return `${r.pick(MOBILE_PREFIXES)}${String(r.int(0, 99_999_999)).padStart(8, '0')}`;
}

const field = (key: string, zh: string, en: string, type: FieldDef['type'], extra: Partial<FieldDef> = {}): FieldDef =>
  customField(key, type, { label: { zh, en }, ...extra });
const option = (value: string, zh: string, en: string) => ({ value, label: { zh, en } });

const INSURANCE_FIELDS: FieldDef[] = [
  ...FIXED_FIELDS,
  field('policyNo', '保单号', 'Policy no.', 'text', { required: true, pattern: '^P\\d{8}$' }),
  field('product', '险种', 'Product', 'enum', {
    options: [
      option('life', '终身寿险', 'Whole life'),
      option('health', '重疾险', 'Critical illness'),
      option('annuity', '年金险', 'Annuity'),
    ],
  }),
  field('premium', '年缴保费', 'Annual premium', 'money', { min: 0 }),
  field('policyStart', '生效日期', 'Policy start', 'date'),
  field('idCard', '身份证号', 'ID card', 'idCard', { sensitive: true }),
  field('salesAgent', '销售人员', 'Sales agent', 'text', { visibleToAgents: true }),
];

const SALES_FIELDS: FieldDef[] = [
  ...FIXED_FIELDS,
  field('community', '小区', 'Community', 'text'),
  field('area', '面积(㎡)', 'Area (m²)', 'number', { min: 10, max: 1000 }),
  field('budget', '预算(万元)', 'Budget (10k CNY)', 'money', { min: 0 }),
  field('homeOwner', '是否业主', 'Home owner', 'boolean'),
  field('intent', '意向', 'Intent', 'enum', {
    options: [option('buy', '购房', 'Buy'), option('sell', '售房', 'Sell'), option('rent', '租房', 'Rent')],
  }),
];

function idCardFor(r: DemoRandom, birth: string): string {
  const body = `${r.pick(['110105', '310104', '510107', '330106', '440305'])}${birth.replaceAll('-', '')}${String(r.int(100, 999))}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = weights.reduce((acc, w, i) => acc + w * Number(body[i]), 0);
  return body + '10X98765432'[sum % 11];
}

function csvFile(name: string, header: string[], rows: string[][]): string {
  const file = path.join(uploadsDir(), `demo-${name}`);
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  fs.writeFileSync(file, [header, ...rows].map((r) => r.map(quote).join(',')).join('\n'));
  return file;
}

async function importDemo(projectId: string, file: string, headers: string[]) {
  const mapping = Object.fromEntries(headers.map((h, i) => [i, h]));
  const job = await prisma.contactImport.create({
    data: { projectId, fileName: path.basename(file), filePath: file, format: 'csv', headers, mapping },
  });
  await runImport(job.id);
}

/** Two demo projects, skipped when any project exists. */
export async function seedDemoLists(count = 3000): Promise<boolean> {
  if ((await prisma.project.count()) > 0) return false;
  const actor = { name: 'seed' };
  const r = demoRandom(20261124);

  const insurance = await createProject(actor, {
    name: '安康人寿 · 新契约回访',
    type: 'returnVisit',
    description: '监管要求的新契约电话回访：核实投保人身份、告知犹豫期与保单利益。',
    fields: INSURANCE_FIELDS,
  });
  const insuranceHeader = [
    'name',
    'phone',
    'gender',
    'birthDate',
    'city',
    'province',
    'policyNo',
    'product',
    'premium',
    'policyStart',
    'idCard',
    'salesAgent',
    'tags',
  ];
  const insuranceRows = Array.from({ length: count }, (_, i) => {
    const [city, province] = r.pick(CITIES);
    const birth = `${r.int(1950, 1998)}-${String(r.int(1, 12)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`;
    const age = 2026 - Number(birth.slice(0, 4));
    const tags = [city, ...(age >= 60 ? ['老年客户'] : []), ...(r.next() < 0.1 ? ['VIP'] : [])];
    return [
      demoName(r),
      demoMobile(r),
      r.pick(['男', '女']),
      birth,
      city,
      province,
      `P${String(20_000_000 + i)}`,
      r.pick(['life', 'health', 'annuity']),
      String(r.int(20, 500) * 100),
      `2026-${String(r.int(9, 11)).padStart(2, '0')}-${String(r.int(1, 28)).padStart(2, '0')}`,
      idCardFor(r, birth),
      demoName(r),
      tags.join(';'),
    ];
  });
  await importDemo(insurance.id, csvFile('insurance.csv', insuranceHeader, insuranceRows), insuranceHeader);

  const sales = await createProject(actor, {
    name: '幸福里 · 二手房营销',
    type: 'sales',
    description: '向小区业主推荐二手房买卖服务，需有营销同意。',
    fields: SALES_FIELDS,
  });
  const salesHeader = [
    'name',
    'phone',
    'gender',
    'city',
    'community',
    'area',
    'budget',
    'homeOwner',
    'intent',
    'tags',
    'consent',
  ];
  const salesRows = Array.from({ length: count }, () => {
    const [city] = r.pick(CITIES);
    return [
      demoName(r),
      demoMobile(r),
      r.pick(['男', '女']),
      city,
      `${r.pick(['阳光', '幸福', '锦绣', '翠湖', '金桂'])}${r.pick(['花园', '里', '苑', '家园'])}`,
      String(r.int(45, 220)),
      String(r.int(80, 1500)),
      r.pick(['是', '否']),
      r.pick(['buy', 'sell', 'rent']),
      r.next() < 0.2 ? '高意向' : '',
      // Marketing consent as the CRM recorded it: most granted, some refused, some unknown.
      r.pick(['granted', 'granted', 'granted', 'granted', 'granted', 'granted', 'granted', 'granted', 'refused', '']),
    ];
  });
  await importDemo(sales.id, csvFile('sales.csv', salesHeader, salesRows), salesHeader);
  const when = (field: string, operator: string, value: unknown = null) => ({
    combinator: 'and',
    rules: [{ field, operator, value }],
  });
  const products = [
    {
      code: 'swap-loan',
      name: '置换贷款',
      price: '0',
      description: '业主卖旧买新，过桥资金低息。',
      eligibility: when('homeOwner', 'isTrue'),
      rankFormula: 'budget / 10',
    },
    {
      code: 'listing',
      name: '独家委托挂牌',
      price: '1999',
      description: '业主售房：专人带看，七天出实勘报告。',
      eligibility: when('intent', 'equalsOption', 'sell'),
      rankFormula: 'area',
    },
    {
      code: 'rental',
      name: '省心租',
      price: '999',
      description: '租房客户：押一付一，免中介费一个月。',
      eligibility: when('intent', 'equalsOption', 'rent'),
      rankFormula: '50',
    },
  ];
  // Links agents send from the workstation (through the notify plugin); example.com never resolves.
  for (const product of products)
    await saveProduct(actor, sales.id, { ...product, link: `https://xingfuli.example.com/p/${product.code}`, active: true });
  await prisma.project.updateMany({ data: { status: 'active' } });
  await prisma.tag.createMany({
    data: [
      { name: '老年客户', color: 'red', group: '客群' },
      { name: 'VIP', color: 'gold', group: '客群' },
      { name: '高意向', color: 'green', group: '意向' },
    ],
    skipDuplicates: true,
  });
  return true;
}
