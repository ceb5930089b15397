/**
 * How a method of the contract is also a REST route: its verb and path, where
 * its input comes from (path parameters, query string, body), the status it
 * answers with and examples for the documentation. The server registers one
 * route per binding and validates in two steps, both with zod: the parts of
 * the request (so that `?points=abc` is named as such), then the method's own
 * input schema, the one every other transport uses.
 */
import { z } from 'zod';
import { chainNameSchema, controlUnitCodeSchema, epochSeconds } from './schemas.ts';

export type HttpVerb = 'GET' | 'POST' | 'DELETE';

/** One request/answer pair, shown in the documentation and checked by the tests. */
export interface HttpExample {
  summary: string;
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** the success answer's body */
  response: unknown;
}

export interface HttpParts<P = unknown, Q = unknown, B = unknown> {
  params: P;
  query: Q;
  body: B;
}

export interface HttpBinding<I = unknown, P = unknown, Q = unknown, B = unknown> {
  verb: HttpVerb;
  /** OpenAPI form: `/api/v1/chains/{unit}/{chain}` */
  path: string;
  operationId: string;
  tag: string;
  /** default: the method's summary */
  summary?: string;
  description?: string;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** the request body; none when absent (a body sent anyway is refused) */
  body?: z.ZodType<B>;
  /** builds the method's input from the validated parts (the method's schema validates it next) */
  input(parts: HttpParts<P, Q, B>): I;
  /** the success status (default 200) */
  status?: number;
  /** statuses that this route answers besides its success, 400, 401, 403 and 500, with what they mean */
  errors?: Partial<Record<404 | 409 | 422 | 503, string>>;
  /** the body of its 409: a plain error, or the chains already running (with their launches) */
  conflict?: 'chain-running';
  examples?: HttpExample[];
  /**
   * The route answers a file instead of JSON: the method's output is
   * `{fileName, base64}` (downloadSchema) and the server sends the decoded
   * bytes with this content type, as an attachment named fileName.
   */
  download?: { contentType: string; description: string };
}

/** What a method whose route is a `download` answers. */
export const downloadSchema = z.object({ fileName: z.string().min(1), base64: z.string() });

/** A comma-separated list in a query string, each item parsed by `item`. */
export function listParam<T>(item: z.ZodType<T, string>, description: string) {
  return z
    .string()
    .meta({ description })
    .transform((text, ctx) => {
      const out: T[] = [];
      for (const part of text.split(',')) {
        const parsed = item.safeParse(part.trim());
        if (!parsed.success) {
          ctx.addIssue({
            code: 'custom',
            message: parsed.error.issues[0]?.message ?? `"${part}" is not valid`,
          });
          return z.NEVER;
        }
        out.push(parsed.data);
      }
      return out;
    });
}

/** Infers a binding's part types from its schemas. */
export function route<I, P = undefined, Q = undefined, B = undefined>(
  binding: HttpBinding<I, P, Q, B>,
): HttpBinding<I, P, Q, B> {
  return binding;
}

/** `/api/v1/chains/{unit}/{chain}` → `/api/v1/chains/:unit/:chain` (fastify's form). */
export function fastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

// --- parameters: what arrives as text, validated and converted

/** A whole number in a query string or path. */
export function wholeNumberParam(min: number, max: number, description = 'a whole number') {
  return z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .meta({ description: `${description} (${min} to ${max})` })
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** Epoch seconds, or an ISO 8601 date / date-time (UTC unless it carries an offset) → epoch seconds. */
export function parseTimeParam(text: string): number | null {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = DATE.exec(value);
  if (date) {
    const ms = Date.UTC(+date[1]!, +date[2]! - 1, +date[3]!);
    const back = new Date(ms);
    return back.getUTCDate() === +date[3]! && back.getUTCMonth() === +date[2]! - 1 ? ms / 1000 : null;
  }
  const full = DATE_TIME.exec(value);
  if (!full) return null;
  const ms = Date.parse(`${value.replace(' ', 'T')}${full[1] ? '' : 'Z'}`);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

export const timeParam = z
  .string()
  .meta({
    description: 'epoch seconds, or an ISO 8601 date or date-time (UTC unless an offset is given)',
    examples: ['1790812800', '2026-10-01', '2026-10-01T12:00:00Z'],
  })
  .transform((text, ctx) => {
    const t = parseTimeParam(text);
    if (t === null) {
      ctx.addIssue({
        code: 'custom',
        message: `"${text}" is not a time; write epoch seconds, 2026-10-01 or 2026-10-01T12:00:00Z`,
      });
      return z.NEVER;
    }
    return t;
  })
  .pipe(epochSeconds);

export const unitParam = controlUnitCodeSchema.meta({
  description: 'control unit code',
  examples: ['CU001'],
});
export const chainParam = chainNameSchema.meta({ description: 'chain letter', examples: ['A'] });

/** `{unit}/{chain}` path parameters. */
export const chainPathParams = z.object({ unit: unitParam, chain: chainParam }).strict();

/** An optional chain in a query string: both `unit` and `chain`, or neither. */
export const optionalChainQuery = {
  unit: unitParam.optional().describe('with chain: one chain only (its control unit code)'),
  chain: chainParam.optional().describe('with unit: one chain only (its letter)'),
};

/** Refuses `unit` without `chain` and the reverse. */
export function chainPair<T extends { unit?: string | undefined; chain?: string | undefined }>(
  value: T,
  ctx: z.RefinementCtx,
): void {
  if ((value.unit === undefined) !== (value.chain === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: [value.unit === undefined ? 'unit' : 'chain'],
      message: 'unit and chain name a chain together: give both or neither',
    });
  }
}

export function chainFromQuery(query: {
  unit?: string | undefined;
  chain?: string | undefined;
}): { controlUnitCode: string; chain: string } | undefined {
  if (query.unit === undefined && query.chain === undefined) return undefined;
  // one without the other: the method's schema names the missing one
  return { controlUnitCode: query.unit ?? '', chain: query.chain ?? '' };
}
