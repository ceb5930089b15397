/**
 * The doors: the server must not be drivable by any web page. Host names
 * (DNS rebinding), Origin and Sec-Fetch-Site on the API and every
 * state-changing request and WebSocket upgrade, the API token (bearer, or the
 * HttpOnly SameSite=Strict session cookie a browser gets by entering it
 * once), and the refusal to listen off loopback without a token.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverOptionsProblem } from '../../src/server/app.ts';
import { bindingProblem, hostnameOf, isLoopbackAddress, tokenProblem } from '../../src/server/doors.ts';
import { body, type Harness, openHarness } from './harness.ts';

const TOKEN = 'test-token-0123456789abcdef';

/** The routes of every kind the doors guard. */
const API_REQUESTS: { method: 'GET' | 'POST' | 'DELETE'; url: string }[] = [
  { method: 'GET', url: '/api/health' },
  { method: 'GET', url: '/api/v1/chains' },
  { method: 'POST', url: '/api/listChains' },
  { method: 'POST', url: '/trigger/CU900/A' },
  { method: 'POST', url: '/trigger' },
  { method: 'GET', url: '/status/CU900/A' },
  { method: 'DELETE', url: '/api/v1/launches/x' },
  { method: 'GET', url: '/api/docs' },
  { method: 'GET', url: '/api/docs/openapi.json' },
];

describe('doors', () => {
  let h: Harness;
  let open: FastifyInstance;
  let locked: FastifyInstance;
  let staticDir: string;

  beforeAll(async () => {
    h = await openHarness('sqlite');
    open = h.app;
    staticDir = mkdtempSync(join(tmpdir(), 'catena-static-'));
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Catena console</title>');
    locked = await h.serve({ apiToken: TOKEN, staticDir });
  }, 120_000);
  afterAll(async () => {
    await h?.close();
    rmSync(staticDir, { recursive: true, force: true });
  });

  describe('Host: only the names this server is reached by (DNS rebinding)', () => {
    it.each([
      ['localhost:8765', 200],
      ['127.0.0.1:8765', 200],
      ['[::1]:8765', 200],
      ['LOCALHOST.', 200],
      ['evil.example:8765', 403],
      ['127.0.0.1.nip.io:8765', 403],
      ['192.168.1.10:8765', 403],
      ['localhost:8765, evil.example', 403],
    ])('Host %j → %i, on every path (the index page too)', async (host, status) => {
      for (const url of ['/api/health', '/status/CU900/A', '/']) {
        const response = await open.inject({ method: 'GET', url, headers: { host } });
        expect(response.statusCode, url).toBe(status);
        if (status === 403) expect(body(response)).toMatchObject({ error: { code: 'FORBIDDEN' } });
      }
    });

    it('a configured name is allowed; bound to all interfaces, the machine’s names are', async () => {
      const named = await h.serve({ allowedHosts: ['catena.example.org'] });
      const ok = await named.inject({ url: '/api/health', headers: { host: 'catena.example.org:8765' } });
      expect(ok.statusCode).toBe(200);
      const wide = await h.serve({ listenHost: '0.0.0.0', apiToken: TOKEN });
      const auth = { authorization: `Bearer ${TOKEN}` };
      const lan = await wide.inject({ url: '/api/health', headers: { host: '127.0.0.1', ...auth } });
      expect(lan.statusCode).toBe(200);
      const foreign = await wide.inject({ url: '/api/health', headers: { host: 'evil.example', ...auth } });
      expect(foreign.statusCode).toBe(403);
      await named.close();
      await wide.close();
    });
  });

  describe('Origin: same origin only', () => {
    it.each(API_REQUESTS)('$method $url from another origin → 403', async ({ method, url }) => {
      const response = await open.inject({
        method,
        url,
        headers: { host: 'localhost:8765', origin: 'http://evil.example' },
      });
      expect(response.statusCode).toBe(403);
      expect(body(response)).toEqual({
        error: { code: 'FORBIDDEN', message: 'requests from another origin are refused' },
      });
    });

    it('the same origin passes; "null" and other ports or schemes do not', async () => {
      const post = (origin: string) =>
        open.inject({ method: 'POST', url: '/api/info', headers: { host: 'localhost:8765', origin } });
      expect((await post('http://localhost:8765')).statusCode).toBe(200);
      expect((await post('http://localhost:8766')).statusCode).toBe(403);
      expect((await post('null')).statusCode).toBe(403);
      expect((await post('file://')).statusCode).toBe(403);
    });

    it('a state-changing request to any path needs the same origin', async () => {
      const response = await open.inject({
        method: 'POST',
        url: '/session',
        headers: { host: 'localhost', origin: 'http://evil.example' },
      });
      expect(response.statusCode).toBe(403);
    });

    it('Sec-Fetch-Site other than same-origin is refused on the API (no-cors requests carry no Origin)', async () => {
      for (const site of ['cross-site', 'same-site']) {
        const response = await open.inject({ url: '/api/v1/chains', headers: { 'sec-fetch-site': site } });
        expect(response.statusCode, site).toBe(403);
      }
      for (const site of ['same-origin', 'none']) {
        const response = await open.inject({ url: '/api/v1/chains', headers: { 'sec-fetch-site': site } });
        expect(response.statusCode, site).toBe(200);
      }
    });

    it('a WebSocket upgrade from another origin is refused; from this one it opens', async () => {
      await expect(
        open.injectWS('/api/events', { headers: { host: 'localhost', origin: 'http://evil.example' } }),
      ).rejects.toThrow(/403/);
      const ws = await open.injectWS('/api/events', {
        headers: { host: 'localhost', origin: 'http://localhost' },
      });
      const pong = new Promise<string>((resolve) => ws.once('message', (data) => resolve(String(data))));
      ws.send(JSON.stringify({ type: 'ping' }));
      expect(JSON.parse(await pong)).toMatchObject({ type: 'pong' });
      ws.terminate();
    });
  });

  describe('the API token', () => {
    it.each(API_REQUESTS)('$method $url without it → 401, with it → not 401', async ({ method, url }) => {
      const without = await locked.inject({ method, url });
      expect(without.statusCode).toBe(401);
      expect(without.headers['www-authenticate']).toBe('Bearer realm="catena"');
      expect(body(without)).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
      const wrong = await locked.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.statusCode).toBe(401);
      expect(body(wrong)).toMatchObject({ error: { message: 'the API token is wrong' } });
      const right = await locked.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` } });
      expect(right.statusCode).not.toBe(401);
      expect(right.statusCode).toBeLessThan(500);
    });

    it('a WebSocket upgrade needs it too', async () => {
      await expect(locked.injectWS('/api/events', { headers: { host: 'localhost' } })).rejects.toThrow(/401/);
      const ws = await locked.injectWS('/api/events', {
        headers: { host: 'localhost', authorization: `Bearer ${TOKEN}` },
      });
      ws.terminate();
    });

    it('the console asks for it once: the login page, then an HttpOnly SameSite=Strict cookie that opens the API and the WebSocket', async () => {
      const page = await locked.inject({ url: '/' });
      expect(page.statusCode).toBe(401);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.body).toContain('action="/session"');
      expect(page.body).not.toContain('Catena console');
      expect(page.headers['set-cookie']).toBeUndefined();

      const wrong = await locked.inject({
        method: 'POST',
        url: '/session',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' },
        payload: 'token=nope',
      });
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).toContain('not the API token');
      expect(wrong.headers['set-cookie']).toBeUndefined();

      const login = await locked.inject({
        method: 'POST',
        url: '/session',
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:80' },
        payload: `token=${encodeURIComponent(TOKEN)}`,
      });
      expect(login.statusCode).toBe(303);
      expect(login.headers.location).toBe('/');
      const setCookie = String(login.headers['set-cookie']);
      expect(setCookie).toMatch(/^catena_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict$/);
      const cookie = setCookie.split(';')[0]!;
      expect(cookie).not.toContain(TOKEN);

      const index = await locked.inject({ url: '/', headers: { cookie } });
      expect(index.statusCode).toBe(200);
      expect(index.body).toContain('Catena console');
      const api = await locked.inject({ method: 'POST', url: '/api/listChains', headers: { cookie } });
      expect(api.statusCode).toBe(200);
      const ws = await locked.injectWS('/api/events', { headers: { host: 'localhost', cookie } });
      ws.terminate();
      const forged = await locked.inject({
        method: 'POST',
        url: '/api/listChains',
        headers: { cookie: `catena_session=${TOKEN}` },
      });
      expect(forged.statusCode).toBe(401);

      const json = await locked.inject({ method: 'POST', url: '/session', payload: { token: TOKEN } });
      expect(json.statusCode).toBe(204);
      expect(String(json.headers['set-cookie'])).toContain('HttpOnly; SameSite=Strict');
    });

    it('an index page served to a bearer sets the cookie; a server without a token has no session', async () => {
      const index = await locked.inject({ url: '/', headers: { authorization: `Bearer ${TOKEN}` } });
      expect(index.statusCode).toBe(200);
      expect(String(index.headers['set-cookie'])).toContain('catena_session=');
      const none = await open.inject({ method: 'POST', url: '/session', payload: { token: TOKEN } });
      expect(none.statusCode).toBe(404);
    });

    it('pages cannot be framed; answers are not sniffed', async () => {
      const response = await open.inject({ url: '/api/health' });
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      // the host's own pages run no script at all
      for (const page of [await open.inject({ url: '/api/docs' }), await locked.inject({ url: '/' })]) {
        expect(page.headers['content-security-policy']).toContain("default-src 'none'");
      }
    });
  });

  describe('binding', () => {
    it.each([
      ['127.0.0.1', true],
      ['127.1.2.3', true],
      ['localhost', true],
      ['::1', true],
      ['[::1]', true],
      ['::ffff:127.0.0.1', true],
      ['0.0.0.0', false],
      ['::', false],
      ['192.168.1.10', false],
      ['catena.example.org', false],
    ])('%s is loopback: %s', (host, loopback) => {
      expect(isLoopbackAddress(host)).toBe(loopback);
    });

    it('off loopback without a token is refused with a sentence that says what to do', async () => {
      const problem = bindingProblem('0.0.0.0', null);
      expect(problem).toContain('refusing to listen on every network interface without an API token');
      expect(problem).toContain('CATENA_API_TOKEN');
      expect(bindingProblem('192.168.1.10', null)).toContain('"192.168.1.10", which is not loopback');
      expect(bindingProblem('0.0.0.0', TOKEN)).toBeNull();
      expect(bindingProblem('127.0.0.1', null)).toBeNull();
      await expect(h.serve({ listenHost: '0.0.0.0' })).rejects.toThrow(/refusing to listen/);
    });

    it('a weak token is refused', () => {
      expect(tokenProblem('short')).toContain('too short');
      expect(tokenProblem(' padded-token-0123456789 ')).toContain('spaces');
      expect(tokenProblem(TOKEN)).toBeNull();
      expect(serverOptionsProblem({ listenHost: '0.0.0.0', apiToken: 'short' })).toContain('too short');
    });

    it('Host headers parse to a hostname', () => {
      expect(hostnameOf('Example.org:80')).toBe('example.org');
      expect(hostnameOf('[::1]:8765')).toBe('::1');
      expect(hostnameOf('a b')).toBeNull();
      expect(hostnameOf(undefined)).toBeNull();
    });
  });
});
