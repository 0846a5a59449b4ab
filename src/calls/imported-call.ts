import { z } from 'zod';

/** Longest turn accepted: a 10 MB "turn" is a broken export, not speech (the summaries API uses the same bound). */
export const maximumTurnCharacters = 20_000;
export const maximumTurnsPerCall = 5_000;

const dateTime = z.string().max(64).refine((value) => {
  const instant = Date.parse(value);
  const year = Number.isNaN(instant) ? Number.NaN : new Date(instant).getUTCFullYear();
  return /^\d{4}-\d{2}-\d{2}/u.test(value) && year >= 1900 && year <= 9999;
}, 'must be an ISO date-time, years 1900-9999');
// Postgres text cannot hold NUL, and a lone surrogate cannot be stored as JSON: refused here, with the field named.
const safeText = (value: string) => !/\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/u.test(value);

export const importedTurnSchema = z
  .object({
    id: z.string().min(1).max(200).optional(),
    speaker: z.enum(['customer', 'agent', 'system'], { error: 'must be customer, agent or system' }),
    text: z.string().max(maximumTurnCharacters, `is longer than ${maximumTurnCharacters.toLocaleString('en')} characters`).refine(safeText, 'holds a NUL character or a lone surrogate'),
    at: dateTime.optional(),
  })
  .strict();

export const importedCallSchema = z
  .object({
    externalId: z.string().min(1).max(200).refine(safeText, 'holds a NUL character or a lone surrogate'),
    agent: z.string().min(1).max(200).refine(safeText, 'holds a NUL character or a lone surrogate').optional(),
    team: z.string().min(1).max(200).refine(safeText, 'holds a NUL character or a lone surrogate').optional(),
    channel: z.enum(['voice', 'chat']).default('voice'),
    language: z.enum(['zh', 'en']).optional(),
    startedAt: dateTime,
    customer: z
      .object({ vulnerable: z.boolean().optional(), age: z.number().int().min(0).max(150).optional(), riskLevel: z.enum(['C1', 'C2', 'C3', 'C4', 'C5']).optional(), segment: z.string().max(100).optional() })
      .strict()
      .optional(),
    turns: z.array(importedTurnSchema).min(1, 'a call needs at least one turn').max(maximumTurnsPerCall, `a call holds at most ${maximumTurnsPerCall} turns`),
  })
  .strict()
  .superRefine((call, context) => {
    if (call.turns.every((turn) => turn.speaker === 'system' || turn.text.trim().length === 0)) {
      context.addIssue({ code: 'custom', path: ['turns'], message: 'a call needs at least one customer or agent turn with text' });
    }
    let previous: number | undefined;
    call.turns.forEach((turn, index) => {
      if (!turn.at) return;
      const at = Date.parse(turn.at);
      if (previous !== undefined && at < previous) context.addIssue({ code: 'custom', path: ['turns', index, 'at'], message: 'is earlier than the turn before it (timestamps out of order)' });
      previous = at;
    });
    const ids = new Set<string>();
    call.turns.forEach((turn, index) => {
      if (turn.id === undefined) return;
      if (ids.has(turn.id)) context.addIssue({ code: 'custom', path: ['turns', index, 'id'], message: `duplicate turn id '${turn.id}'` });
      ids.add(turn.id);
    });
  });

export type ImportedCall = z.infer<typeof importedCallSchema>;

/** One entry read from an import source: a call, or why the line (or file) could not be one. */
export type ImportEntry = { position: string; externalId?: string; call: unknown } | { position: string; externalId?: string; problem: string };

export function describeCallProblems(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.map(String).join('.') || 'call'}: ${issue.message}`).join('; ');
}
