import { z } from 'zod';
import { COACHING_CATEGORIES } from '../../../../hubspot-app/app/packages/ui-shared/coachingCategories.ts';

// What the model is asked to answer: sent as the request's JSON schema (response_format
// json_schema, strict) and checked again with zod on the way back. Structured outputs in strict
// mode want every field required (nullable instead of optional) and no extra fields; lengths and
// counts are not asked of the model but enforced on what it answers (reviewFromAnswer).

const quoted = { quote: z.string(), seconds: z.number().nullable() };
const element = z.object({ status: z.enum(['covered', 'partly', 'missing']), evidence: z.array(z.object(quoted)) });

export const QUALIFICATION_ELEMENTS = [
  'metrics',
  'economicBuyer',
  'decisionCriteria',
  'decisionProcess',
  'identifiedPain',
  'champion',
  'competition',
] as const;

export const modelAnswer = z.object({
  qualification: z.object(
    Object.fromEntries(QUALIFICATION_ELEMENTS.map((name) => [name, element])) as Record<
      (typeof QUALIFICATION_ELEMENTS)[number],
      typeof element
    >,
  ),
  objections: z.array(z.object({ objection: z.string(), handling: z.string(), handledWell: z.boolean(), ...quoted })),
  risks: z.array(z.object({ risk: z.string(), ...quoted })),
  coachingPoints: z.array(
    z.object({
      title: z.string(),
      advice: z.string(),
      category: z.enum(COACHING_CATEGORIES),
      ...quoted,
      // The label ("P1") of a past coaching message in the prompt that this point repeats, or null.
      echoesPastCoaching: z.string().nullable(),
    }),
  ),
});

export type ModelAnswer = z.infer<typeof modelAnswer>;
