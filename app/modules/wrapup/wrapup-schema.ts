import { z } from 'zod';

// The wrap-up form (落单) as the workstation submits it and the server validates it. Client-safe:
// no server imports. Error messages are i18n keys of the `wrapup` namespace.

export const WRAPUP_ERRORS = {
  attemptNotFound: 'wrapup.errors.attemptNotFound',
  notYourAttempt: 'wrapup.errors.notYourAttempt',
  notEnded: 'wrapup.errors.notEnded',
  alreadySubmitted: 'wrapup.errors.alreadySubmitted',
  unknownDisposition: 'wrapup.errors.unknownDisposition',
  notLeaf: 'wrapup.errors.notLeaf',
  callbackRequired: 'wrapup.errors.callbackRequired',
  callbackInvalid: 'wrapup.errors.callbackInvalid',
  callbackPast: 'wrapup.errors.callbackPast',
  callbackOutsideHours: 'wrapup.errors.callbackOutsideHours',
  orderNotSales: 'wrapup.errors.orderNotSales',
  unknownProduct: 'wrapup.errors.unknownProduct',
  leadNoCrm: 'wrapup.errors.leadNoCrm',
  notFound: 'wrapup.errors.notFound',
  stale: 'wrapup.errors.stale',
  payloadNotObject: 'wrapup.errors.payloadNotObject',
  notRetryable: 'wrapup.errors.notRetryable',
} as const;
export type WrapUpErrorCode = (typeof WRAPUP_ERRORS)[keyof typeof WRAPUP_ERRORS];

export const CallbackInputSchema = z.object({ at: z.string() /* ISO datetime */, personal: z.boolean() });

export const OrderInputSchema = z.object({
  productId: z.string().uuid(),
  amount: z.number().positive(),
  quantity: z.number().int().min(1).default(1),
  status: z.enum(['confirmed', 'linkSent']).default('confirmed'),
});

export const LeadInputSchema = z.object({ summary: z.string().trim().min(1).max(500) });

export const WrapUpInputSchema = z.object({
  attemptId: z.string().uuid(),
  dispositionCode: z.string().min(1),
  notes: z.string().max(2000).default(''),
  callback: CallbackInputSchema.optional(),
  order: OrderInputSchema.optional(),
  lead: LeadInputSchema.optional(),
});
export type WrapUpInput = z.input<typeof WrapUpInputSchema>;

/** A supervisor's correction of a wrap-up (the callback stays as it was promised). */
export const WrapUpCorrectionSchema = z.object({
  dispositionCode: z.string().min(1),
  notes: z.string().max(2000).default(''),
  order: OrderInputSchema.optional(),
  lead: LeadInputSchema.optional(),
});
export type WrapUpCorrection = z.input<typeof WrapUpCorrectionSchema>;

export const WRITE_BACK_STATES = ['pending', 'dead', 'delivered', 'skipped'] as const;
export type WriteBackState = (typeof WRITE_BACK_STATES)[number];

export interface FieldError {
  field: string;
  message: string;
}
