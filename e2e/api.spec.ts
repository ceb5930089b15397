/**
 * The HTTP/WebSocket contract as another program sees it: validated inputs,
 * errors as {code, message}, events on the WebSocket.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import WebSocket from 'ws';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { forgetOutputs, label, ROOT, waitForLaunch } from './fixtures.ts';

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

// --- the service for other systems (REST, OpenAPI) and its doors

const LEGACY = { controlUnitCode: 'CU003', chain: 'A' }; // 30 nodes: a run long enough to be seen running

interface LegacyStatus {
  status: string;
  launch_id: string | null;
  rows: number;
  progress?: { phase: string | null };
}

test('POST /trigger/{unit}/{chain} answers at once; GET /status follows the run to completed; a second trigger is 409', async ({
  request,
}) => {
  // earlier specs may have elaborated it: an incremental run with nothing to do would end before the second trigger
  forgetOutputs(LEGACY);
  const started = performance.now();
  const trigger = await request.post(`/trigger/${LEGACY.controlUnitCode}/${LEGACY.chain}`);
  const elapsed = performance.now() - started;
  expect(trigger.status()).toBe(202);
  expect(elapsed).toBeLessThan(1_000);
  const triggered = (await trigger.json()) as {
    status: string;
    unit_id: string;
    chain: string;
    launch_id: string;
  };
  expect(triggered).toEqual({
    status: 'processing_started',
    unit_id: 'CU003',
    chain: 'A',
    launch_id: expect.any(String),
  });

  const status = async () =>
    (await (await request.get(`/status/${LEGACY.controlUnitCode}/${LEGACY.chain}`)).json()) as LegacyStatus;
  const running = await status();
  expect(running.status).toBe('running');
  expect(running.launch_id).toBe(triggered.launch_id);
  expect(running.progress).toBeDefined();

  const again = await request.post(`/trigger/${LEGACY.controlUnitCode}/${LEGACY.chain}`);
  expect(again.status()).toBe(409);
  expect(await again.json()).toMatchObject({ status: 'already_running', launch_id: triggered.launch_id });

  await expect.poll(async () => (await status()).status, { timeout: 60_000 }).toBe('completed');
  const completed = await status();
  expect(completed.rows).toBeGreaterThan(0);
  expect(completed.launch_id).toBe(triggered.launch_id);

  const launch = await request.get(`/api/v1/launches/${triggered.launch_id}`);
  expect(await launch.json()).toMatchObject({
    status: 'finished',
    chains: [{ ...LEGACY, status: 'succeeded', rowsWritten: completed.rows }],
  });
  const latest = (await (await request.get('/api/v1/chains/CU003/A/latest')).json()) as { nodes: unknown[] };
  expect(latest.nodes.length).toBeGreaterThan(20); // the enabled nodes (one of the 30 is disabled)
  const series = await request.get('/api/v1/chains/CU003/A/series?node=1&points=50');
  expect(await series.json()).toMatchObject({ downsampling: { points: 50 }, series: { length: 50 } });
});

test('the OpenAPI document lists the legacy and v1 routes, and /api/docs is a page to read', async ({
  request,
  page,
}) => {
  const doc = (await (await request.get('/api/docs/openapi.json')).json()) as {
    openapi: string;
    paths: Record<string, Record<string, unknown>>;
  };
  expect(doc.openapi).toBe('3.1.0');
  expect(doc.paths['/trigger/{unitId}/{chain}']?.post).toBeDefined();
  expect(doc.paths['/status/{unitId}/{chain}']?.get).toBeDefined();
  expect(doc.paths['/api/v1/launches']?.post).toBeDefined();
  expect(doc.paths['/api/v1/chains/{unit}/{chain}/series']?.get).toBeDefined();

  await page.goto('/api/docs');
  await expect(page.locator('#legacyTrigger')).toContainText('/trigger/{unitId}/{chain}');
  await expect(page.locator('#getChainSeries')).toContainText('points');
});

test('a page of another origin cannot drive the service, nor can a DNS-rebinding one', async ({
  page,
  baseURL,
  request,
  playwright,
}) => {
  const base = new URL(baseURL ?? '');
  const before = (await (await request.get('/api/v1/runs?limit=1')).json()) as { runId: number }[];

  // another origin (the same server under another name): its POST is refused, nothing is launched
  const other = `http://localhost:${base.port}`;
  await page.goto(`${other}/api/health`);
  const refused = await page.evaluate(async (target) => {
    const response = await fetch(`${target}/api/launch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chains: 'all-active', mode: 'full' }),
    }).catch(() => null);
    return response === null ? 'blocked' : response.status;
  }, baseURL);
  expect(['blocked', 403]).toContain(refused);
  const socket = await page.evaluate(
    (target) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(`${target.replace('http', 'ws')}/api/events`);
        ws.onopen = () => resolve('open');
        ws.onerror = () => resolve('refused');
      }),
    baseURL ?? '',
  );
  expect(socket).toBe('refused');
  const after = (await (await request.get('/api/v1/runs?limit=1')).json()) as { runId: number }[];
  expect(after[0]?.runId).toBe(before[0]?.runId);

  // a name that resolves to this server (DNS rebinding): refused from the first page on
  const browser = await playwright.chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  });
  try {
    const rebound = await browser.newPage();
    const index = await rebound.goto(`http://rebind.test:${base.port}/`);
    expect(index?.status()).toBe(403);
    const api = await rebound.goto(`http://rebind.test:${base.port}/api/v1/chains`);
    expect(api?.status()).toBe(403);
  } finally {
    await browser.close();
  }
});

test('with an API token, the console asks for it once and then works (its requests and WebSocket carry the cookie)', async ({
  browser,
}) => {
  const token = 'e2e-token-0123456789abcdef';
  const node =
    Number(process.versions.node.split('.')[0]) >= 24
      ? process.execPath
      : join(ROOT, 'node_modules', 'node', 'bin', 'node');
  const host = spawn(
    node,
    [join(ROOT, 'src', 'server', 'main.ts'), '--db', `sqlite:${process.env.CATENA_E2E_DB}`, '--port', '0'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        CATENA_API_TOKEN: token,
        CATENA_HOME: join(String(process.env.CATENA_E2E_DB), '..', 'catena-e2e-home'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      host.stdout.on('data', (chunk) => {
        out += String(chunk);
        const m = /serving on (http:\/\/\S+\/)/.exec(out);
        if (m) resolve(m[1]!);
      });
      host.once('exit', (code) => reject(new Error(`the host exited (${code})`)));
    });
    const page = await browser.newPage();
    // without the token: the login page, not the console; the API refuses
    const first = await page.goto(url);
    expect(first?.status()).toBe(401);
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Open the console' }).click();
    await expect(page.getByText('That is not the API token.')).toBeVisible();
    await page.getByLabel('API token').fill(token);
    await page.getByRole('button', { name: 'Open the console' }).click();
    // the console, live: its fetch and its WebSocket went through with the cookie
    await expect(page.getByTestId('conn-state')).toContainText('live');
    await expect(page.getByTestId('stations-table').locator('tbody tr[data-chain]')).toHaveCount(6);
    // no script of the page can read the cookie
    expect(await page.evaluate('document.cookie')).toBe('');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'catena_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Strict',
    });
    await page.close();
  } finally {
    host.kill('SIGTERM');
  }
});
