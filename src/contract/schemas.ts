/**
 * Zod schemas for the values that cross a process boundary (IPC, HTTP,
 * WebSocket). Inputs are validated with these in every host before the core
 * sees them; events are validated by the clients before the interface sees
 * them.
 */
import { z } from 'zod';
import type { ErrorSubject } from '../core/errors.ts';

/** Epoch seconds (UTC), whole, between 1970 and 9999. */
export const epochSeconds = z
  .number()
  .int('must be whole epoch seconds')
  .min(0, 'must not be before 1970')
  .max(253_402_300_799, 'must not be after 9999');

export const controlUnitCodeSchema = z.string().trim().min(1, 'control unit code is empty').max(32);
export const chainNameSchema = z.string().trim().min(1, 'chain is empty').max(16);

export const chainKeySchema = z.object({
  controlUnitCode: controlUnitCodeSchema,
  chain: chainNameSchema,
});

export const runModeSchema = z.enum(['incremental', 'range', 'full']);

export const errorSubjectSchema = z.object({
  controlUnitCode: z.string().optional(),
  chain: z.string().optional(),
  nodeIndex: z.number().optional(),
  column: z.string().optional(),
  table: z.string().optional(),
}) satisfies z.ZodType<ErrorSubject>;

/** Codes that the transports add to the core's ErrorCode. */
export const TRANSPORT_ERROR_CODES = [
  'BAD_REQUEST',
  'UNKNOWN_METHOD',
  'UNEXPECTED',
  'TRANSPORT',
  /** no such route or resource (e.g. an unknown launch id) */
  'NOT_FOUND',
  /** the request needs the API token (missing or wrong) */
  'UNAUTHORIZED',
  /** refused whatever the token: a foreign Origin, an unknown Host */
  'FORBIDDEN',
  /** the read-only API token (CATENA_API_READ_TOKEN) asked for something that launches, cancels or changes */
  'READ_ONLY_TOKEN',
  /** a chain named in a launch or trigger is already being elaborated */
  'CHAIN_RUNNING',
  /** the launch has already ended (nothing to cancel) */
  'LAUNCH_ENDED',
] as const;

export const wireErrorSchema = z.object({
  code: z.string(),
  message: z.string(),
  subject: errorSubjectSchema.optional(),
});
