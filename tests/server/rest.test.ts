/**
 * The REST routes on a real store, through fastify's inject: the legacy
 * trigger and status of the original notes, launches as resources, the
 * chain's data, and malformed requests (400 with a message, never a 500).
 * Every success answer is also checked against the route's output schema,
 * the one the OpenAPI document shows.
 */
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { apiMethods } from '../../src/contract/api.ts';
import { methods } from '../../src/contract/methods.ts';
import { mariadbAvailable } from '../support/mariadb.ts';
import {
  BIG,
  body,
  type Harness,
  INACTIVE,
  openHarness,
  SMALL_A,
  SMALL_B,
  SMALL_NODES,
  SMALL_TIMESTAMPS,
  until,
} from './harness.ts';

const SMALL_ROWS = SMALL_NODES.length * SMALL_TIMESTAMPS;

function conforms(schema: z.ZodType, response: LightMyRequestResponse): void {
  const parsed = schema.safeParse(response.json());
  expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))).toBe(true);
}

const kinds = [
  { kind: 'sqlite' as const, available: true },
  { kind: 'mysql' as const, available: mariadbAvailable },
];

for (const { kind, available } of kinds) {
  describe.runIf(available)(`REST routes on ${kind}`, () => {
    let h: Harness;
    const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
      h.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });

    beforeAll(async () => {
      h = await openHarness(kind);
    }, 120_000);
    afterAll(async () => {
      await h?.close();
    });

    it('a chain never run: status "never"; an unknown chain: 404 with the sentence', async () => {
      const never = await inject('GET', `/status/${SMALL_B.controlUnitCode}/${SMALL_B.chain}`);
      expect(never.statusCode).toBe(200);
      conforms(apiMethods.status.output, never);
      expect(body(never)).toMatchObject({
        status: 'never',
        unit_id: 'CU900',
        chain: 'B',
        run_id: null,
        rows: 0,
      });

      const unknown = await inject('GET', '/status/CU999/Z');
      expect(unknown.statusCode).toBe(404);
      expect(body(unknown)).toEqual({
        error: {
          code: 'CHAIN_NOT_FOUND',
          message: expect.stringContaining('CU999-Z is not in active_stations'),
          subject: { controlUnitCode: 'CU999', chain: 'Z' },
        },
      });
      expect((await inject('POST', '/trigger/CU999/Z')).statusCode).toBe(404);
    });

    it('trigger answers 202 at once; status says running with progress, a second trigger 409 with the launch id, then completed with the rows', async () => {
      h.gate.close();
      const started = Date.now();
      const trigger = await inject('POST', '/trigger/CU900/A');
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(trigger.statusCode).toBe(202);
      conforms(apiMethods.trigger.output, trigger);
      const { launch_id: launchId } = body<{ launch_id: string }>(trigger);
      expect(body(trigger)).toEqual({
        status: 'processing_started',
        unit_id: 'CU900',
        chain: 'A',
        launch_id: expect.any(String),
      });

      // running: the write is held at the gate
      await until(() => h.gate.held > 0);
      const running = await inject('GET', '/status/CU900/A');
      conforms(apiMethods.status.output, running);
      expect(body(running)).toMatchObject({
        status: 'running',
        launch_id: launchId,
        progress: { phase: 'elaborating', timestamps_total: SMALL_TIMESTAMPS, host: null },
      });

      const again = await inject('POST', '/trigger/CU900/A');
      expect(again.statusCode).toBe(409);
      expect(body(again)).toMatchObject({
        status: 'already_running',
        unit_id: 'CU900',
        chain: 'A',
        launch_id: launchId,
        error: { code: 'CHAIN_RUNNING', message: expect.stringContaining(launchId) },
        running: [{ controlUnitCode: 'CU900', chain: 'A', launchId, host: null }],
      });
      // the same through /api/v1
      const v1 = await inject('POST', '/api/v1/launches', { chains: [SMALL_A], mode: 'full' });
      expect(v1.statusCode).toBe(409);
      expect(body(v1)).toMatchObject({ error: { code: 'CHAIN_RUNNING' }, running: [{ launchId }] });

      // the launch as a resource, while it runs
      const resource = await inject('GET', `/api/v1/launches/${launchId}`);
      expect(resource.statusCode).toBe(200);
      conforms(apiMethods.getLaunch.output, resource);
      expect(body(resource)).toMatchObject({
        launchId,
        status: 'running',
        mode: 'incremental',
        host: null,
        chains: [{ ...SMALL_A, status: 'running', runId: expect.any(Number), phase: 'elaborating' }],
      });

      h.gate.open();
      await h.finished(launchId);
      const completed = await inject('GET', '/status/CU900/A');
      conforms(apiMethods.status.output, completed);
      expect(body(completed)).toMatchObject({
        status: 'completed',
        launch_id: launchId,
        rows: SMALL_ROWS,
        run_id: expect.any(Number),
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      });
      expect(body(completed)).not.toHaveProperty('progress');

      const ended = await inject('GET', `/api/v1/launches/${launchId}`);
      expect(body(ended)).toMatchObject({
        status: 'finished',
        chains: [{ ...SMALL_A, status: 'succeeded', rowsWritten: SMALL_ROWS, progress: null }],
      });
      // a finished launch cannot be cancelled
      const late = await inject('DELETE', `/api/v1/launches/${launchId}`);
      expect(late.statusCode).toBe(409);
      expect(body(late)).toMatchObject({ error: { code: 'LAUNCH_ENDED' } });
    });

    it('POST /trigger launches every active chain, skipping the running ones; all running is 409', async () => {
      await h.moreRaw(SMALL_A, 5); // so that CU900-A has something to write (and is held) too
      h.gate.close();
      const first = await inject('POST', '/trigger/CU900/B');
      const runningId = body<{ launch_id: string }>(first).launch_id;
      await until(() => h.gate.held > 0);

      const all = await inject('POST', '/trigger');
      expect(all.statusCode).toBe(202);
      conforms(apiMethods.triggerAll.output, all);
      const answer = body<{ launch_id: string; chains: { unit_id: string; chain: string }[] }>(all);
      // the inactive chain is not launched; the running one is skipped with its launch
      expect(answer.chains.map((c) => `${c.unit_id}-${c.chain}`).sort()).toEqual(['CU900-A', 'CU902-A']);
      expect(body(all)).toMatchObject({
        skipped: [{ unit_id: 'CU900', chain: 'B', launch_id: runningId }],
      });
      expect(answer.chains).not.toContainEqual({ unit_id: INACTIVE.controlUnitCode, chain: INACTIVE.chain });

      const none = await inject('POST', '/trigger');
      expect(none.statusCode).toBe(409);
      expect(body(none)).toMatchObject({ error: { code: 'CHAIN_RUNNING' } });
      h.gate.open();
      await h.finished(runningId);
      await h.finished(answer.launch_id);
    });

    it('DELETE /api/v1/launches/{id} cancels at a batch boundary; the run is recorded cancelled', async () => {
      h.gate.close();
      const created = await inject('POST', '/api/v1/launches', { chains: [BIG], mode: 'full' });
      expect(created.statusCode).toBe(202);
      conforms(apiMethods.createLaunch.output, created);
      const { launchId } = body<{ launchId: string }>(created);
      expect(body(created)).toEqual({ launchId, chains: [BIG], skipped: [] });
      await until(() => h.gate.held > 0);

      const wrongChain = await inject('DELETE', `/api/v1/launches/${launchId}?unit=CU900&chain=A`);
      expect(wrongChain.statusCode).toBe(404);
      const cancel = await inject('DELETE', `/api/v1/launches/${launchId}`);
      expect(cancel.statusCode).toBe(202);
      conforms(apiMethods.cancelLaunch.output, cancel);
      expect(body(cancel)).toEqual({ launchId, cancelled: true, chain: null });
      h.gate.open();
      const finished = await h.finished(launchId);
      expect(finished.results[0]?.status).toBe('cancelled');
      const status = await inject('GET', `/status/${BIG.controlUnitCode}/${BIG.chain}`);
      expect(body(status)).toMatchObject({
        status: 'cancelled',
        message: expect.stringContaining('cancelled'),
      });

      const unknown = await inject('DELETE', '/api/v1/launches/no-such-launch');
      expect(unknown.statusCode).toBe(404);
      expect((await inject('GET', '/api/v1/launches/no-such-launch')).statusCode).toBe(404);
    });

    it('a launch of another host (or of before a restart) is read from catena_runs', async () => {
      const other = await h.serve();
      const runs = body<{ launchId: string }[]>(
        await inject('GET', '/api/v1/runs?unit=CU900&chain=A&limit=1'),
      );
      const launchId = runs[0]!.launchId;
      // a fresh server knows no launch of its own: the runs tell
      const fresh = await h.serve();
      const view = await fresh.inject({ method: 'GET', url: `/api/v1/launches/${launchId}` });
      expect(view.statusCode).toBe(200);
      expect(body(view)).toMatchObject({
        launchId,
        status: 'finished',
        host: 'api-test-host',
        chains: expect.arrayContaining([expect.objectContaining({ ...SMALL_A, status: 'succeeded' })]),
      });
      const cancel = await fresh.inject({ method: 'DELETE', url: `/api/v1/launches/${launchId}` });
      expect(cancel.statusCode).toBe(409);
      await other.close();
      await fresh.close();
    });

    it('GET /api/v1/chains, runs, events, nodes, quality answer as their schemas say', async () => {
      const chains = await inject('GET', '/api/v1/chains');
      expect(chains.statusCode).toBe(200);
      conforms(methods.listChains.output, chains);
      expect(body<unknown[]>(chains)).toHaveLength(4);

      const runs = await inject('GET', '/api/v1/runs?unit=CU900&chain=A');
      conforms(methods.listRuns.output, runs);
      expect(body<{ controlUnitCode: string }[]>(runs).every((r) => r.controlUnitCode === 'CU900')).toBe(
        true,
      );
      const limited = await inject('GET', '/api/v1/runs?limit=1');
      expect(body<unknown[]>(limited)).toHaveLength(1);

      const events = await inject('GET', '/api/v1/events?unit=CU900&chain=A&from=2026-01-01&limit=10');
      expect(events.statusCode).toBe(200);
      conforms(methods.events.output, events);

      const nodes = await inject('GET', '/api/v1/chains/CU900/B/nodes');
      conforms(methods.chainNodes.output, nodes);
      expect(body<{ nodes: unknown[] }>(nodes).nodes).toHaveLength(SMALL_NODES.length);

      const quality = await inject('GET', '/api/v1/chains/CU900/B/quality');
      conforms(methods.quality.output, quality);
      expect(body<{ rows: number }[]>(quality).reduce((s, q) => s + q.rows, 0)).toBe(SMALL_ROWS);

      const info = await inject('GET', '/api/v1/info');
      expect(body(info)).toMatchObject({ kind });
    });

    it('series: as stored, or downsampled to points per node with samples; latest: the newest row of each node', async () => {
      const all = await inject('GET', '/api/v1/chains/CU900/B/series');
      expect(all.statusCode).toBe(200);
      conforms(apiMethods.chainSeries.output, all);
      expect(body(all)).toMatchObject({
        ...SMALL_B,
        rowsRead: SMALL_ROWS,
        truncated: false,
        downsampling: null,
        series: { length: SMALL_ROWS },
      });

      const down = await inject('GET', '/api/v1/chains/CU900/B/series?points=4&node=2');
      conforms(apiMethods.chainSeries.output, down);
      const d = body<{
        downsampling: { points: number; bucketSeconds: number };
        series: { length: number; nodeIndex: number[]; samples: number[] };
      }>(down);
      expect(d.downsampling).toMatchObject({ method: 'bucket-mean', reason: 'requested', points: 4 });
      expect(d.series.length).toBe(4);
      expect(d.series.nodeIndex).toEqual([2, 2, 2, 2]);
      expect(d.series.samples.reduce((a, b) => a + b, 0)).toBe(SMALL_TIMESTAMPS);

      const first = body<{ series: { timestamp: number[] } }>(all).series.timestamp[0]!;
      const span = await inject('GET', `/api/v1/chains/CU900/B/series?from=${first}&to=${first + 600}`);
      expect(body(span)).toMatchObject({ rowsRead: 2 * SMALL_NODES.length, from: first, to: first + 600 });

      const latest = await inject('GET', '/api/v1/chains/CU900/B/latest');
      expect(latest.statusCode).toBe(200);
      conforms(apiMethods.chainLatest.output, latest);
      const l = body<{ timestamp: number; nodes: { nodeIndex: number; timestamp: number }[] }>(latest);
      expect(l.nodes.map((n) => n.nodeIndex)).toEqual(SMALL_NODES);
      expect(l.nodes.every((n) => n.timestamp === l.timestamp)).toBe(true);
      expect(l.timestamp).toBe(Math.max(...body<{ series: { timestamp: number[] } }>(all).series.timestamp));

      expect((await inject('GET', '/api/v1/chains/CU999/Z/latest')).statusCode).toBe(404);
      expect((await inject('GET', '/api/v1/chains/CU999/Z/series')).statusCode).toBe(404);
    });

    // --- malformed requests: 400 with a message naming the problem, never a 500
    const malformed: [string, 'GET' | 'POST' | 'DELETE', string, unknown, string][] = [
      [
        'a query number that is not one',
        'GET',
        '/api/v1/chains/CU900/A/series?points=abc',
        undefined,
        'points',
      ],
      ['points out of range', 'GET', '/api/v1/chains/CU900/A/series?points=1', undefined, 'at least 2'],
      [
        'a time that is not one',
        'GET',
        '/api/v1/chains/CU900/A/series?from=yesterday',
        undefined,
        'not a time',
      ],
      ['an impossible date', 'GET', '/api/v1/events?from=2026-02-30', undefined, 'not a time'],
      ['to before from', 'GET', '/api/v1/chains/CU900/A/series?from=2000&to=1000', undefined, 'before from'],
      ['an unknown query parameter', 'GET', '/api/v1/chains?drop=1', undefined, 'no query'],
      ['an unknown query parameter (with a schema)', 'GET', '/api/v1/runs?chainz=A', undefined, '"chainz"'],
      ['a parameter twice', 'GET', '/api/v1/runs?limit=1&limit=2', undefined, 'limit'],
      ['unit without chain', 'GET', '/api/v1/runs?unit=CU900', undefined, 'give both'],
      ['a unit code too long', 'GET', `/status/${'X'.repeat(40)}/A`, undefined, 'unitId'],
      ['a blank chain', 'POST', '/trigger/CU900/%20', undefined, 'chain'],
      ['a body where none is taken', 'POST', '/trigger/CU900/A', { mode: 'full' }, 'no body'],
      ['a launch without mode', 'POST', '/api/v1/launches', { chains: [SMALL_A] }, 'mode'],
      ['a launch of no chain', 'POST', '/api/v1/launches', { chains: [], mode: 'full' }, 'at least one'],
      [
        'a range without to',
        'POST',
        '/api/v1/launches',
        { chains: 'all-active', mode: 'range', from: 1 },
        'needs to',
      ],
      [
        'a launch with an unknown field',
        'POST',
        '/api/v1/launches',
        { chains: [SMALL_A], mode: 'full', x: 1 },
        'x',
      ],
      ['a launch body that is an array', 'POST', '/api/v1/launches', [1, 2], 'body'],
      ['a launch without body', 'POST', '/api/v1/launches', undefined, 'body'],
      ['a bad percent-encoding', 'GET', '/status/%E0%A4%A/A', undefined, 'malformed URL'],
    ];
    it.each(malformed)('400: %s', async (_name, method, url, payload, words) => {
      const response = await inject(method, url, payload);
      expect(response.statusCode, response.body).toBe(400);
      const error = body<{ error: { code: string; message: string } }>(response).error;
      expect(error.code).toBe('BAD_REQUEST');
      expect(error.message).toContain(words);
    });

    it('400 for a body that is not JSON, an empty JSON body is no body, 404 for nothing there', async () => {
      const notJson = await h.app.inject({
        method: 'POST',
        url: '/api/v1/launches',
        headers: { 'content-type': 'application/json' },
        payload: '{"chains": [',
      });
      expect(notJson.statusCode).toBe(400);
      expect(body(notJson)).toMatchObject({ error: { code: 'BAD_REQUEST' } });
      const empty = await h.app.inject({
        method: 'DELETE',
        url: '/api/v1/launches/nothing',
        headers: { 'content-type': 'application/json' },
        payload: '',
      });
      expect(empty.statusCode).toBe(404);
      // the legacy trigger as curl -X POST -d '' sends it; another body type is named
      const curl = await h.app.inject({
        method: 'POST',
        url: '/trigger/CU900/A',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: '',
      });
      expect(curl.statusCode).toBe(202);
      await h.finished(body<{ launch_id: string }>(curl).launch_id);
      const xml = await h.app.inject({
        method: 'POST',
        url: '/api/v1/launches',
        headers: { 'content-type': 'application/xml' },
        payload: '<launch/>',
      });
      expect(xml.statusCode).toBe(415);
      expect(body(xml)).toMatchObject({
        error: { code: 'BAD_REQUEST', message: expect.stringContaining('send JSON') },
      });
      const text = await h.app.inject({
        method: 'POST',
        url: '/api/v1/launches',
        headers: { 'content-type': 'text/plain' },
        payload: 'launch everything',
      });
      expect(text.statusCode).toBe(400);
      const nothing = await inject('GET', '/api/v2/chains');
      expect(nothing.statusCode).toBe(404);
      expect(body(nothing)).toMatchObject({ error: { code: 'NOT_FOUND' } });
      expect(h.unexpected).toEqual([]);
    });
  });
}
