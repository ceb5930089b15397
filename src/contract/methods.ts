/**
 * THE table of what the interface can ask the core. One entry per method: the
 * zod schema of its input and how a host answers it with the core service
 * (which also fixes the output type, JSON-safe by construction). The preload
 * bridge, the Electron IPC handlers, the HTTP/WebSocket server and both
 * clients of the renderer are generic over this table: adding a method is
 * one entry here.
 *
 * Runtime-free apart from zod: `CatenaService` is a type-only import and the
 * `call` functions only call the service object a host hands them.
 */
import { z } from 'zod';
import type { CatenaService } from '../core/service/types.ts';
import { chainKeySchema, epochSeconds, runModeSchema } from './schemas.ts';
import { encodeSeries } from './wire.ts';

interface MethodSpec<I extends z.ZodType, O> {
  /** one line for the API's index and the docs */
  summary: string;
  input: I;
  call(service: CatenaService, input: z.output<I>): O | Promise<O>;
}

function method<I extends z.ZodType, O>(spec: MethodSpec<I, O>): MethodSpec<I, O> {
  return spec;
}

const noInput = z.object({}).strict().optional();
const limit = (max: number) => z.number().int().min(1).max(max);

const launchInput = z
  .object({
    chains: z.union([z.array(chainKeySchema).min(1, 'select at least one chain'), z.literal('all-active')]),
    mode: runModeSchema,
    from: epochSeconds.optional(),
    to: epochSeconds.optional(),
    concurrency: z.number().int().min(1).max(64).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.mode !== 'range') return;
    if (value.from === undefined)
      ctx.addIssue({ code: 'custom', path: ['from'], message: 'a range needs from' });
    if (value.to === undefined) ctx.addIssue({ code: 'custom', path: ['to'], message: 'a range needs to' });
    if (value.from !== undefined && value.to !== undefined && value.from > value.to) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'to is before from' });
    }
  });

export const methods = {
  info: method({
    summary: 'the database this host is connected to',
    input: noInput,
    call: (service) => service.info(),
  }),
  listChains: method({
    summary: 'every chain of active_stations with counts and times',
    input: noInput,
    call: (service) => service.listChains(),
  }),
  launch: method({
    summary: 'starts an elaboration of some chains; progress comes as events',
    input: launchInput,
    call: (service, input) => service.launch(input),
  }),
  cancel: method({
    summary: 'cancels a launch, or one chain of it',
    input: z.object({ launchId: z.string().min(1), chain: chainKeySchema.optional() }).strict(),
    call: (service, input) => ({ cancelled: service.cancel(input.launchId, input.chain) }),
  }),
  listRuns: method({
    summary: 'history of chain runs, newest first',
    input: z
      .object({
        key: chainKeySchema.optional(),
        launchId: z.string().min(1).optional(),
        limit: limit(10_000).optional(),
      })
      .strict()
      .optional(),
    call: (service, input) => service.listRuns(input),
  }),
  series: method({
    summary: 'elaborated rows of a chain (one node or all), NaN as null',
    input: z
      .object({
        key: chainKeySchema,
        nodeIndex: z.number().int().min(0).optional(),
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
        limit: limit(2_000_000).optional(),
      })
      .strict(),
    call: async (service, input) => encodeSeries(await service.series(input)),
  }),
  chainNodes: method({
    summary: "a chain's nodes (depth, length, enabled, 3-axis) with its fixed end and site",
    input: z.object({ key: chainKeySchema }).strict(),
    call: (service, input) => service.chainNodes(input.key),
  }),
  quality: method({
    summary: 'elaborated rows per node counted by flag bit over a span',
    input: z
      .object({
        key: chainKeySchema,
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
      })
      .strict(),
    call: (service, input) => service.quality(input),
  }),
  events: method({
    summary: 'alarm events, newest first',
    input: z
      .object({
        key: chainKeySchema.optional(),
        from: epochSeconds.nullable().optional(),
        to: epochSeconds.nullable().optional(),
        limit: limit(100_000).optional(),
      })
      .strict(),
    call: (service, input) => service.events(input),
  }),
} as const;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export const methodNames = Object.keys(methods) as MethodName[];

export type MethodInput<K extends MethodName> = z.input<Methods[K]['input']>;
export type MethodOutput<K extends MethodName> = Awaited<ReturnType<Methods[K]['call']>>;

/** Methods whose input may be left out take it as an optional argument. */
type InputArgs<K extends MethodName> =
  undefined extends MethodInput<K> ? [input?: MethodInput<K>] : [input: MethodInput<K>];

/** What the interface calls, whatever the transport (IPC or HTTP). */
export type CatenaApi = { [K in MethodName]: (...args: InputArgs<K>) => Promise<MethodOutput<K>> };

export function isMethodName(name: string): name is MethodName {
  return Object.hasOwn(methods, name);
}
