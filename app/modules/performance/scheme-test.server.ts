import { z } from 'zod';
import { EMPTY_FIGURES } from './metrics';
import { SchemeConfigSchema, type SchemeProblem, validateScheme } from './scheme-schema';
import type { Breakdown } from './scoring';
import { scoreMany } from './scoring.server';

// The scheme editor's test panel: sample agents' figures in, score and breakdown out, through
// the same scoring (and the same sandbox) as the leaderboard.

const count = z.number().finite().min(0).default(0);
const SampleSchema = z.object({
  calls: count,
  connects: count,
  successes: count,
  talkSec: count,
  wrapSec: count,
  pauseSec: z.number().finite().min(0).nullable().default(null),
  salesAmount: count,
  orders: count,
  leads: count,
  qualityScore: z.number().finite().nullable().default(null),
});
export const SchemeTestSchema = z.object({ config: SchemeConfigSchema, samples: z.array(SampleSchema).min(1).max(50) });

export type SchemeTestReply = { ok: true; breakdowns: Breakdown[] } | { ok: false; problems: SchemeProblem[] };

export async function testScheme(input: unknown): Promise<SchemeTestReply> {
  const parsed = SchemeTestSchema.safeParse(input);
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        key: 'sample',
        params: { path: i.path.join('.') || '—' },
      })),
    };
  const { config, samples } = parsed.data;
  // Only the configuration matters here: name and scope are checked on save.
  const problems = validateScheme({
    name: 'test',
    scopeKind: 'team',
    skillGroupId: '00000000-0000-4000-8000-000000000000',
    projectId: null,
    timeZone: 'UTC',
    active: true,
    config,
  });
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    breakdowns: await scoreMany(
      config,
      samples.map((s) => ({ ...EMPTY_FIGURES, ...s })),
    ),
  };
}
