import { z } from 'zod';
import { ROLES } from '../auth/permissions';

export const LOCALES = ['zh-CN', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

const login = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, { message: 'login.tooShort' })
  .max(40, { message: 'login.tooLong' })
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: 'login.characters' });

const timeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'timeZone.invalid' },
);

export const UserCreateSchema = z.object({
  login,
  displayName: z.string().trim().min(1, { message: 'displayName.required' }).max(80),
  role: z.enum(ROLES),
  locale: z.enum(LOCALES).nullable().default(null),
  timeZone: timeZone.default('Asia/Shanghai'),
});

export const UserUpdateSchema = UserCreateSchema.omit({ login: true }).extend({ active: z.boolean() });

/**
 * Which projects a user sees (ADR 106): all of them, or the chosen ones. Admins always see all;
 * agents see the contacts of the tasks they are assigned to, whatever is stored here.
 */
export const ProjectAccessSchema = z.object({
  allProjects: z.boolean(),
  projectIds: z.array(z.string().uuid()).max(1000),
});

/** The roles whose project access is chosen on the users page. */
export const SCOPED_ROLES = ['supervisor', 'auditor'] as const;

export const PreferencesSchema = z.object({ locale: z.enum(LOCALES), timeZone });

export type UserCreate = z.infer<typeof UserCreateSchema>;
export type UserUpdate = z.infer<typeof UserUpdateSchema>;
export type ProjectAccess = z.infer<typeof ProjectAccessSchema>;
