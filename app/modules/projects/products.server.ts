import { z } from 'zod';
import { prisma } from '../../db/prisma.server';
import type { Prisma } from '../../generated/prisma/client';
import { type Condition, checkCondition, checkFormula, type RuleError } from '../../rules';
import { compileCondition, compileFormula, evaluateBatch, matchRows } from '../../rules/runtime.server';
import { type AuditActor, audit } from '../audit/audit.server';
import { contactScope } from '../lists/contact-scope';
import { toMoney } from '../lists/field-values';
import { getProject } from './projects.server';

export const ProductSchema = z.object({
  id: z.string().uuid().optional(),
  code: z
    .string()
    .trim()
    .regex(/^[\w.-]{1,40}$/, { message: 'product.code' }),
  name: z.string().trim().min(1).max(100),
  price: z.union([z.string(), z.number()]),
  description: z.string().trim().max(2000).default(''),
  link: z.string().url().max(500).nullable().default(null),
  eligibility: z.unknown(),
  rankFormula: z.string().trim().max(2000).default('0'),
  active: z.boolean().default(true),
});

export class ProductInvalid extends Error {
  constructor(
    readonly field: 'price' | 'eligibility' | 'rankFormula' | 'code',
    readonly errors: RuleError[] = [],
  ) {
    super(`product ${field} is invalid`);
  }
}

export async function listProducts(projectId: string) {
  const rows = await prisma.product.findMany({ where: { projectId }, orderBy: { code: 'asc' } });
  return rows.map((p) => ({
    ...p,
    eligibility: p.eligibility as unknown as Condition,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  }));
}

/** Saves a product after checking its condition and formula against the project's contact scope. */
export async function saveProduct(actor: AuditActor, projectId: string, input: z.infer<typeof ProductSchema>) {
  const project = await getProject(projectId);
  const { scope } = contactScope(project.fields);
  const price = toMoney(input.price);
  if (!price.ok) throw new ProductInvalid('price');
  const eligibility = checkCondition(input.eligibility, scope);
  if (!eligibility.ok) throw new ProductInvalid('eligibility', eligibility.errors);
  const formula = checkFormula(input.rankFormula || '0', scope, 'number');
  if (!formula.ok) throw new ProductInvalid('rankFormula', formula.errors);
  const data = {
    code: input.code,
    name: input.name,
    price: price.value,
    description: input.description,
    link: input.link,
    eligibility: eligibility.value as unknown as Prisma.InputJsonValue,
    rankFormula: input.rankFormula || '0',
    active: input.active,
  };
  const clash = await prisma.product.findFirst({
    where: { projectId, code: input.code, ...(input.id ? { id: { not: input.id } } : {}) },
  });
  if (clash) throw new ProductInvalid('code');
  const product = input.id
    ? await prisma.product.update({ where: { id: input.id, projectId }, data })
    : await prisma.product.create({ data: { projectId, ...data } });
  await audit(actor, input.id ? 'product.update' : 'product.create', product.id, { projectId, code: product.code });
  return product;
}

export async function deleteProduct(actor: AuditActor, projectId: string, id: string) {
  await prisma.product.delete({ where: { id, projectId } });
  await audit(actor, 'product.delete', id, { projectId });
}

/** A contact as a row of the contact scope (no phone, sensitive values left out). */
export function contactRow(contact: {
  name: string;
  fields: unknown;
  tags: string[];
  status: string;
  attempts: number;
  dnc: boolean;
  consentStatus: string | null;
}) {
  return {
    ...(contact.fields as Record<string, unknown>),
    name: contact.name,
    tags: contact.tags,
    status: contact.status,
    attempts: contact.attempts,
    dnc: contact.dnc,
    consent: contact.consentStatus,
  };
}

/**
 * The products to offer one contact, best first: active products whose eligibility condition
 * holds, ranked by their formula (evaluated in the rule sandbox).
 */
export async function recommendProducts(projectId: string, contactId: bigint) {
  const [project, contact, products] = await Promise.all([
    getProject(projectId),
    prisma.contact.findFirst({ where: { projectId, id: contactId, deletedAt: null } }),
    prisma.product.findMany({ where: { projectId, active: true }, orderBy: { code: 'asc' } }),
  ]);
  if (!contact || products.length === 0) return [];
  const { scope } = contactScope(project.fields);
  const row = contactRow(contact);
  const ranked = [];
  for (const product of products) {
    const condition = compileCondition(product.eligibility, scope);
    const formula = compileFormula(product.rankFormula, scope, 'number');
    if (!condition.ok || !formula.ok) continue;
    const [eligible] = await matchRows(condition.value, [row]);
    if (!eligible) continue;
    const { results } = await evaluateBatch<number>(formula.value, [row]);
    ranked.push({
      id: product.id,
      code: product.code,
      name: product.name,
      price: product.price,
      description: product.description,
      link: product.link,
      score: results[0] ?? 0,
    });
  }
  return ranked.sort((a, b) => b.score - a.score);
}
