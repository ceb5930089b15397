/**
 * The two API tokens, over real HTTP and WebSocket: the full token
 * (CATENA_API_TOKEN) opens everything, the read-only one
 * (CATENA_API_READ_TOKEN) reads but is refused — 403 READ_ONLY_TOKEN — whatever
 * the contract declares `writes` (launch, cancel, …), on every route that
 * reaches such a method; the session cookie remembers which token was given.
 * And the token the service generates into the data folder (0600) when it
 * must have one and none is given, reused on the next start.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { apiMethods } from '../../src/contract/api.ts';
import { methods } from '../../src/contract/methods.ts';
import { API_TOKEN_FILE, loadOrCreateApiToken } from '../../src/server/api-token.ts';
import {
  READ_ONLY_MESSAGE,
  type RouteConfig,
  registeredRoutes,
  serverOptionsProblem,
} from '../../src/server/app.ts';
import { resolveServeConfig, ServeRefusal } from '../../src/server/serve.ts';
import { type Harness, openHarness } from './harness.ts';

const FULL = 'full-token-0123456789abcdef';
const READ = 'read-token-0123456789abcdef';

describe('the full and the read-only API token, over HTTP and WebSocket', () => {
  let h: Harness;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    h = await openHarness('sqlite');
    // bound to every interface, as a server on a site's network
    app = await h.serve({ listenHost: '0.0.0.0', apiToken: FULL, readToken: READ });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.server.address();
    if (typeof address !== 'object' || address === null) throw new Error('no address');
    base = `http://127.0.0.1:${address.port}`;
  }, 120_000);
  afterAll(async () => {
    await h?.close();
  });

  const call = (method: string, path: string, headers: Record<string, string> = {}, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('no token: 401; the read-only token reads and cannot trigger (403); the full token triggers', async () => {
    const none = await call('GET', '/api/v1/chains');
    expect(none.status).toBe(401);
    expect(await call('POST', '/trigger/CU900/A').then((r) => r.status)).toBe(401);

    const read = await call('GET', '/api/v1/chains', bearer(READ));
    expect(read.status).toBe(200);
    expect(((await read.json()) as unknown[]).length).toBeGreaterThan(0);
    expect((await call('GET', '/status/CU900/A', bearer(READ))).status).toBe(200);

    const refused = await call('POST', '/trigger/CU900/A', bearer(READ));
    expect(refused.status).toBe(403);
    expect(await refused.json()).toEqual({ error: { code: 'READ_ONLY_TOKEN', message: READ_ONLY_MESSAGE } });
    // nothing started
    expect(await h.service.listRuns({ key: { controlUnitCode: 'CU900', chain: 'A' } })).toEqual([]);

    const full = await call('POST', '/trigger/CU900/A', bearer(FULL));
    expect(full.status).toBe(202);
    const { launch_id } = (await full.json()) as { launch_id: string };
    await h.finished(launch_id);
    // the read-only token cannot cancel it either, and can read it
    expect((await call('DELETE', `/api/v1/launches/${launch_id}`, bearer(READ))).status).toBe(403);
    expect((await call('GET', `/api/v1/launches/${launch_id}`, bearer(READ))).status).toBe(200);
  });

  it('the console’s POST /api/<method>: read-only methods answer, methods that write are refused', async () => {
    for (const [name, spec] of Object.entries(methods)) {
      const response = await call('POST', `/api/${name}`, bearer(READ), {});
      if (spec.writes) {
        expect(response.status, name).toBe(403);
        expect(((await response.json()) as { error: { code: string } }).error.code, name).toBe(
          'READ_ONLY_TOKEN',
        );
      } else {
        // a read may fail validation ({} is not every method's input) but is never refused for the token
        // (the connection manager's methods are refused to every token off loopback: FORBIDDEN)
        expect([200, 400, 403, 404], name).toContain(response.status);
        if (response.status === 403) {
          expect(((await response.json()) as { error: { code: string } }).error.code, name).toBe('FORBIDDEN');
        }
      }
    }
    expect((await call('POST', '/api/listChains', bearer(READ))).status).toBe(200);
    expect(
      (await call('POST', '/api/launch', bearer(READ), { chains: 'all-active', mode: 'incremental' })).status,
    ).toBe(403);
  });

  it('access: the console learns whether it may write, from the token it was opened with', async () => {
    const ask = async (headers: Record<string, string>) => {
      const rpc = await call('POST', '/api/access', headers);
      const rest = await call('GET', '/api/v1/access', headers);
      expect([rpc.status, rest.status]).toEqual([200, 200]);
      const answer = await rpc.json();
      expect(await rest.json()).toEqual(answer);
      return answer;
    };
    expect(await ask(bearer(READ))).toEqual({ access: 'read' });
    expect(await ask(bearer(FULL))).toEqual({ access: 'full' });
    // the browser's way: the session cookie the login page set
    const login = await call('POST', '/session', {}, { token: READ });
    const cookie = String(login.headers.get('set-cookie')).split(';')[0]!;
    expect(await ask({ cookie })).toEqual({ access: 'read' });
    // and what it says is what the server enforces
    const refused = await call('POST', '/api/cancel', { cookie }, { launchId: 'x' });
    expect(refused.status).toBe(403);
    expect((await call('POST', '/api/access')).status).toBe(401);
    // a server without tokens (loopback): everything
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/access' })).json()).toEqual({ access: 'full' });
  });

  it('every REST route of the contract: refused to the read-only token exactly when its method writes', async () => {
    const bound = [...Object.values(methods), ...Object.values(apiMethods)].flatMap((spec) =>
      spec.http ? [{ writes: spec.writes, http: spec.http }] : [],
    );
    expect(bound.filter((b) => b.writes).length).toBeGreaterThanOrEqual(4);
    for (const { writes, http } of bound) {
      const example = http.examples?.[0];
      let path = http.path;
      for (const [name, value] of Object.entries(example?.params ?? {}))
        path = path.replace(`{${name}}`, value);
      path = path
        .replace('{unit}', 'CU900')
        .replace('{chain}', 'A')
        .replace('{unitId}', 'CU900')
        .replace('{id}', 'x');
      const response = await call(http.verb, path, bearer(READ));
      const label = `${http.verb} ${http.path}`;
      if (writes) expect(response.status, label).toBe(403);
      else expect(response.status, label).not.toBe(403);
      // a GET never writes
      if (http.verb === 'GET') expect(writes, label).toBe(false);
    }
  });

  it('every registered route that changes something declares whether it writes', () => {
    const api = registeredRoutes(app).filter(
      (r) => /^\/(api|trigger|status)(\/|$)/.test(r.url) && !['GET', 'HEAD'].includes(r.method),
    );
    expect(api.length).toBeGreaterThan(4);
    for (const route of api) {
      expect((route.config as RouteConfig).writes, `${route.method} ${route.url}`).toBeDefined();
    }
    for (const spec of [...Object.values(methods), ...Object.values(apiMethods)]) {
      expect(typeof spec.writes).toBe('boolean');
    }
  });

  it('the session cookie remembers which token was given', async () => {
    const login = async (token: string) => {
      const response = await call('POST', '/session', {}, { token });
      expect(response.status).toBe(204);
      return String(response.headers.get('set-cookie')).split(';')[0]!;
    };
    const readCookie = await login(READ);
    const fullCookie = await login(FULL);
    expect(readCookie).not.toBe(fullCookie);
    expect(readCookie).not.toContain(READ);

    expect((await call('GET', '/api/v1/chains', { cookie: readCookie })).status).toBe(200);
    const refused = await call(
      'POST',
      '/api/v1/launches',
      { cookie: readCookie },
      { chains: 'all-active', mode: 'incremental' },
    );
    expect(refused.status).toBe(403);
    const started = await call(
      'POST',
      '/api/v1/launches',
      { cookie: fullCookie },
      { chains: [{ controlUnitCode: 'CU900', chain: 'B' }], mode: 'incremental' },
    );
    expect(started.status).toBe(202);
    await h.finished(((await started.json()) as { launchId: string }).launchId);

    // a bearer read-only token on the page gets the read-only cookie
    const page = await call('GET', '/', bearer(READ));
    expect(String(page.headers.get('set-cookie')).split(';')[0]).toBe(readCookie);
    // a forged cookie opens nothing
    expect((await call('GET', '/api/v1/chains', { cookie: `catena_session=${READ}` })).status).toBe(401);
  });

  it('the WebSocket: refused without a token, subscriptions open to the read-only token', async () => {
    const ws = base.replace('http', 'ws');
    const refused = new WebSocket(`${ws}/api/v1/stream`);
    const status = await new Promise<number>((resolve, reject) => {
      refused.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.once('open', () => reject(new Error('opened without a token')));
      refused.once('error', () => undefined);
    });
    expect(status).toBe(401);
    refused.terminate();

    const socket = new WebSocket(`${ws}/api/v1/stream`, { headers: bearer(READ) });
    try {
      const messages: { type: string }[] = [];
      socket.on('message', (data) => messages.push(JSON.parse(String(data)) as { type: string }));
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      socket.send(JSON.stringify({ subscribe: 'launches' }));
      socket.send(JSON.stringify({ subscribe: 'live', chains: ['CU900:A'] }));
      const deadline = Date.now() + 10_000;
      while (
        messages.filter((m) => m.type === 'subscribed').length < 2 ||
        !messages.some((m) => m.type === 'live')
      ) {
        if (Date.now() > deadline) throw new Error(`no subscriptions: ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    } finally {
      socket.terminate();
    }
  });

  it('the OpenAPI document marks every operation that writes, and says its 403 may be READ_ONLY_TOKEN', async () => {
    const doc = (await (await call('GET', '/api/docs/openapi.json', bearer(READ))).json()) as {
      paths: Record<
        string,
        Record<string, { 'x-catena-writes'?: boolean; responses: Record<string, { $ref?: string }> }>
      >;
    };
    const operations = Object.values(doc.paths).flatMap((p) => Object.entries(p));
    const writing = operations.filter(([, op]) => op['x-catena-writes'] === true);
    expect(writing.length).toBeGreaterThanOrEqual(6);
    for (const [verb, op] of writing) {
      expect(verb).not.toBe('get');
      expect(op.responses['403']?.$ref).toBe('#/components/responses/ForbiddenOrReadOnly');
    }
    expect(doc.paths['/trigger/{unitId}/{chain}']?.post?.['x-catena-writes']).toBe(true);
    expect(doc.paths['/status/{unitId}/{chain}']?.get?.['x-catena-writes']).toBe(false);
  });

  it('a read-only token needs a full one, and differs from it', () => {
    expect(serverOptionsProblem({ listenHost: '127.0.0.1', readToken: READ })).toContain(
      'needs the full token',
    );
    expect(serverOptionsProblem({ listenHost: '127.0.0.1', apiToken: FULL, readToken: FULL })).toContain(
      'must differ',
    );
    expect(serverOptionsProblem({ listenHost: '127.0.0.1', apiToken: FULL, readToken: 'short' })).toContain(
      'too short',
    );
  });
});

describe('the generated API token', () => {
  let home: string;
  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), 'catena-token-'));
  });
  afterAll(() => rmSync(home, { recursive: true, force: true }));

  const env = (more: Record<string, string> = {}): NodeJS.ProcessEnv => ({ CATENA_HOME: home, ...more });

  it('off loopback without CATENA_API_TOKEN: generated into the data folder with mode 0600, then reused', () => {
    const first = resolveServeConfig({ host: '0.0.0.0', port: 0 }, env());
    const path = join(home, API_TOKEN_FILE);
    expect(first.tokenFile).toEqual({ path, created: true });
    expect(first.apiToken).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.apiToken);

    const again = resolveServeConfig({ host: '0.0.0.0', port: 0 }, env());
    expect(again.tokenFile).toEqual({ path, created: false });
    expect(again.apiToken).toBe(first.apiToken);
  });

  it('loopback needs none; a given token is used and no file is made; a read-only token brings the file’s', () => {
    const other = mkdtempSync(join(tmpdir(), 'catena-token-'));
    try {
      const loopback = resolveServeConfig({ port: 0 }, { CATENA_HOME: other });
      expect(loopback).toMatchObject({ apiToken: null, tokenFile: null });
      const given = resolveServeConfig(
        { host: '0.0.0.0', port: 0 },
        { CATENA_HOME: other, CATENA_API_TOKEN: FULL },
      );
      expect(given).toMatchObject({ apiToken: FULL, tokenFile: null });
      expect(() => statSync(join(other, API_TOKEN_FILE))).toThrow();
      const readOnly = resolveServeConfig({ port: 0 }, { CATENA_HOME: other, CATENA_API_READ_TOKEN: READ });
      expect(readOnly.readToken).toBe(READ);
      expect(readOnly.tokenFile?.created).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a token file others can read, or one that holds no token, is refused with what to do', () => {
    const path = join(home, API_TOKEN_FILE);
    chmodSync(path, 0o644);
    expect(() => resolveServeConfig({ host: '0.0.0.0', port: 0 }, env())).toThrow(ServeRefusal);
    expect(() => loadOrCreateApiToken(path)).toThrow(/can be read by other users .*chmod 600/);
    chmodSync(path, 0o600);
    expect(loadOrCreateApiToken(path).created).toBe(false);
  });
});
