/**
 * The HTTP/WebSocket contract as another program sees it: validated inputs,
 * errors as {code, message}, events on the WebSocket.
 */
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { label, waitForLaunch } from './fixtures.ts';

const KEY = { controlUnitCode: 'CU002', chain: 'A' };

interface Message {
  type: string;
  launchId?: string;
}

async function openEvents(baseURL: string | undefined) {
  const url = new URL('/api/events', baseURL);
  url.protocol = 'ws:';
  const socket = new WebSocket(url);
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return { socket, messages, close: () => socket.close() };
}

test('malformed requests get 400 with a message that names the problem', async ({ request }) => {
  const missing = await request.post('/api/series', { data: {} });
  expect(missing.status()).toBe(400);
  const body = (await missing.json()) as { error: { code: string; message: string } };
  expect(body.error.code).toBe('BAD_REQUEST');
  expect(body.error.message).toContain('key');

  const range = await request.post('/api/launch', { data: { chains: [KEY], mode: 'range', from: 10 } });
  expect(range.status()).toBe(400);
  expect(((await range.json()) as { error: { message: string } }).error.message).toContain(
    'a range needs to',
  );

  const notJson = await request.post('/api/launch', {
    headers: { 'content-type': 'application/json' },
    data: '{"chains": [',
  });
  expect(notJson.status()).toBe(400);
  expect(((await notJson.json()) as { error: { code: string } }).error.code).toBe('BAD_REQUEST');

  const extra = await request.post('/api/listChains', { data: { drop: 'tables' } });
  expect(extra.status()).toBe(400);

  const unknown = await request.post('/api/dropEverything', { data: {} });
  expect(unknown.status()).toBe(404);
  expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('UNKNOWN_METHOD');

  const get = await request.get('/api/listChains');
  expect(get.status()).toBe(405);

  const foreign = await request.post('/api/listChains', { headers: { origin: 'http://evil.example' } });
  expect(foreign.status()).toBe(403);
});

test('an unknown chain fails alone, with CHAIN_NOT_FOUND and a sentence for the operator', async ({
  request,
  baseURL,
}) => {
  const stream = await openEvents(baseURL);
  const response = await request.post('/api/launch', {
    data: { chains: [{ controlUnitCode: 'CU999', chain: 'Z' }, KEY], mode: 'incremental' },
  });
  expect(response.status()).toBe(200);
  const { launchId } = (await response.json()) as { launchId: string };
  await expect
    .poll(() => stream.messages.some((m) => m.type === 'launch-finished' && m.launchId === launchId), {
      timeout: 60_000,
    })
    .toBe(true);
  const finished = stream.messages.find(
    (m) => m.type === 'launch-finished' && m.launchId === launchId,
  ) as unknown as {
    results: { controlUnitCode: string; status: string; errorCode: string | null; message: string | null }[];
  };
  const unknown = finished.results.find((r) => r.controlUnitCode === 'CU999');
  expect(unknown?.status).toBe('failed');
  expect(unknown?.errorCode).toBe('CHAIN_NOT_FOUND');
  expect(unknown?.message).toContain('CU999');
  expect(finished.results.find((r) => r.controlUnitCode === KEY.controlUnitCode)?.status).toBe('succeeded');
  stream.close();

  // the node configuration of an unknown chain: 404 with the same sentence
  const nodes = await request.post('/api/chainNodes', {
    data: { key: { controlUnitCode: 'CU999', chain: 'Z' } },
  });
  expect(nodes.status()).toBe(404);
  const error = ((await nodes.json()) as { error: { code: string; message: string } }).error;
  expect(error.code).toBe('CHAIN_NOT_FOUND');
  expect(error.message).toContain('CU999-Z is not in active_stations');
});

test('POST /api/launch starts a run whose events stream on the WebSocket', async ({ request, baseURL }) => {
  const { socket, messages, close } = await openEvents(baseURL);

  socket.send('not json');
  socket.send(JSON.stringify({ type: 'subscribe-all' }));
  socket.send(JSON.stringify({ type: 'ping' }));

  const launched = await request.post('/api/launch', { data: { chains: [KEY], mode: 'incremental' } });
  expect(launched.status()).toBe(200);
  const { launchId, chains } = (await launched.json()) as { launchId: string; chains: { chain: string }[] };
  expect(chains.map((c) => label(c as typeof KEY))).toEqual([label(KEY)]);
  await waitForLaunch(request, launchId);

  await expect
    .poll(() => messages.some((m) => m.type === 'launch-finished' && m.launchId === launchId), {
      timeout: 30_000,
    })
    .toBe(true);
  expect(messages.filter((m) => m.type === 'error')).toHaveLength(2);
  expect(messages.some((m) => m.type === 'pong')).toBe(true);
  const types = messages.filter((m) => m.launchId === launchId).map((m) => m.type);
  expect(types[0]).toBe('launch-started');
  expect(types).toContain('chain-finished');
  close();

  // series come with null for NaN, never NaN or a typed array
  const series = await request.post('/api/series', { data: { key: KEY, nodeIndex: 1, limit: 10 } });
  const columns = (await series.json()) as { length: number; timestamp: number[]; alphaX: (number | null)[] };
  expect(Array.isArray(columns.alphaX)).toBe(true);
  expect(columns.alphaX.length).toBe(columns.length);
});
