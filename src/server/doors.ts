/**
 * The doors of the HTTP host: who may drive it.
 *
 * - `Host`: only the names this server is reached by (loopback names, the
 *   bound address, the machine's own names and addresses when bound to all
 *   interfaces, and configured names). A DNS-rebinding page reaches the
 *   server under its own name, and is refused before anything, the index
 *   page (and its cookie) included.
 * - `Origin`: a request with an Origin header must come from this very
 *   origin, for every state-changing request, every API request and every
 *   WebSocket upgrade; `Sec-Fetch-Site` (sent by browsers even where Origin
 *   is not) must say same-origin on the API.
 * - The API token (`CATENA_API_TOKEN`): when set, every API request and
 *   WebSocket upgrade carries it, as `Authorization: Bearer <token>` or as
 *   the session cookie that the browser gets by entering the token once on
 *   the login page. The cookie is HttpOnly (no script reads it) and
 *   SameSite=Strict (no other site's page sends it). Tokens and cookies are
 *   compared in constant time.
 * - The read-only token (`CATENA_API_READ_TOKEN`) opens the same doors, but
 *   the request is marked `read`: whatever the contract declares `writes`
 *   (launch, cancel, acknowledge, change rules or settings) answers 403
 *   READ_ONLY_TOKEN. Its session cookie is derived from it, so the browser stays
 *   read-only.
 * - Binding to anything but loopback without a token is refused (the
 *   service generates one in the data folder instead, see api-token.ts).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'catena_session';
export const MIN_TOKEN_LENGTH = 16;

/** Paths of the API: token, Origin and Sec-Fetch-Site checks apply. */
export function isApiPath(url: string): boolean {
  const path = url.split('?', 1)[0]!;
  return /^\/(api|trigger|status)(\/|$)/.test(path);
}

const WILDCARDS = new Set(['', '0.0.0.0', '::', '[::]', '0:0:0:0:0:0:0:0']);

export function isWildcardAddress(host: string): boolean {
  return WILDCARDS.has(host.trim().toLowerCase());
}

/** An address or name that only this machine reaches. */
export function isLoopbackAddress(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

/** Why this token cannot protect the API, or null when it can. */
export function tokenProblem(token: string): string | null {
  if (token.trim() !== token) return 'the API token must not start or end with spaces';
  if (token.length < MIN_TOKEN_LENGTH) {
    return `the API token is too short: use at least ${MIN_TOKEN_LENGTH} characters (e.g. the output of "openssl rand -hex 24")`;
  }
  if (!/^[\x21-\x7e]+$/.test(token)) return 'the API token must be printable ASCII without spaces';
  return null;
}

/** What a request may do: everything, or read only (the read-only token). */
export type Access = 'full' | 'read';

/** How a request proved its right: a bearer token, the session cookie, or none needed (no token). */
export interface Credential {
  via: 'bearer' | 'cookie' | 'open';
  access: Access;
}

/** The refusal to listen on `host` with this token, or null when it is safe. */
export function bindingProblem(host: string, token: string | null): string | null {
  if (token === null && !isLoopbackAddress(host)) {
    const where = isWildcardAddress(host) ? 'every network interface' : `"${host}", which is not loopback`;
    return (
      `refusing to listen on ${where} without an API token: anyone on the network could launch and cancel ` +
      'runs. Set CATENA_API_TOKEN (at least 16 characters, e.g. "openssl rand -hex 24") or listen on 127.0.0.1'
    );
  }
  return null;
}

/** The hostname of a Host header (no port, no brackets, lower case, no trailing dot); null when malformed. */
export function hostnameOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  const value = header.trim().toLowerCase();
  const m = /^\[([0-9a-f:.]+)\](?::\d{1,5})?$/.exec(value) ?? /^([a-z0-9.\-_]+)(?::\d{1,5})?$/.exec(value);
  if (!m) return null;
  return m[1]!.replace(/\.$/, '');
}

export interface DoorOptions {
  /** the address the server listens on */
  listenHost: string;
  /** more names the Host header may carry (a DNS name, a reverse proxy's) */
  allowedHosts?: readonly string[];
  /** the API token; null = none (only allowed on loopback) */
  token: string | null;
  /** the read-only token (CATENA_API_READ_TOKEN); only with a full token */
  readToken?: string | null;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Equal strings, compared in constant time (their digests have one length). */
export function constantTimeEqual(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b));
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** A refusal whatever the token (403 FORBIDDEN). */
export type Refusal = { message: string };

function sessionValue(token: string, access: Access): string {
  // derived from the token, so that the cookie is not the token itself; the label keeps the two apart
  const label = access === 'full' ? 'catena session v1' : 'catena read-only session v1';
  return createHmac('sha256', token).update(label).digest('base64url');
}

export class Doors {
  readonly token: string | null;
  readonly readToken: string | null;
  readonly #hosts: Set<string>;
  readonly #sessions: { value: string; access: Access }[];

  constructor(options: DoorOptions) {
    this.token = options.token;
    this.readToken = options.readToken ?? null;
    if (this.readToken !== null && this.token === null)
      throw new Error('a read-only token needs the full API token too');
    this.#hosts = allowedHostnames(options.listenHost, options.allowedHosts ?? []);
    this.#sessions = [];
    if (this.token !== null) this.#sessions.push({ value: sessionValue(this.token, 'full'), access: 'full' });
    if (this.readToken !== null)
      this.#sessions.push({ value: sessionValue(this.readToken, 'read'), access: 'read' });
  }

  get hostnames(): string[] {
    return [...this.#hosts];
  }

  /** Host and Origin: refused whatever the token. */
  refuseForeign(request: FastifyRequest): Refusal | null {
    const host = hostnameOf(request.headers.host);
    if (host === null || !this.#hosts.has(host)) {
      return {
        message:
          `this server does not answer to the host name "${request.headers.host ?? ''}"; ` +
          'add it with CATENA_ALLOWED_HOSTS if it is really this server',
      };
    }
    const api = isApiPath(request.url);
    const stateChanging = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    if ((api || stateChanging) && !sameOrigin(request)) {
      return { message: 'requests from another origin are refused' };
    }
    const site = request.headers['sec-fetch-site'];
    if (api && typeof site === 'string' && site !== 'same-origin' && site !== 'none') {
      return { message: 'requests from another site are refused' };
    }
    return null;
  }

  /** How the request proves a token, and what it may do; null when it does not. */
  credential(request: FastifyRequest): Credential | null {
    if (this.token === null) return { via: 'open', access: 'full' };
    const auth = request.headers.authorization;
    if (typeof auth === 'string') {
      const m = /^Bearer[ ]+(\S+)\s*$/i.exec(auth);
      const access = m ? this.tokenMatches(m[1]!) : null;
      return access === null ? null : { via: 'bearer', access };
    }
    const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
    if (cookie === null) return null;
    // every session is compared, so that the time does not tell which one matched
    let access: Access | null = null;
    for (const session of this.#sessions) {
      if (constantTimeEqual(cookie, session.value) && access === null) access = session.access;
    }
    return access === null ? null : { via: 'cookie', access };
  }

  /** What the token opens: 'full', 'read', or null (neither token). Both are compared, in constant time. */
  tokenMatches(candidate: string): Access | null {
    const full = this.token !== null && constantTimeEqual(candidate, this.token);
    const read = this.readToken !== null && constantTimeEqual(candidate, this.readToken);
    return full ? 'full' : read ? 'read' : null;
  }

  /** The Set-Cookie value that lets this browser in with this access (HttpOnly, SameSite=Strict, this origin). */
  sessionCookie(access: Access, secure: boolean): string {
    const session = this.#sessions.find((s) => s.access === access);
    if (!session) throw new Error(`no ${access} token: no session cookie`);
    return `${SESSION_COOKIE}=${session.value}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
  }
}

/**
 * Same origin: the Origin header, when present, names this very host and
 * port (the Host header, already checked against the allowed names).
 */
export function sameOrigin(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  try {
    const url = new URL(origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    // the Host header read with the Origin's scheme, so that default ports compare equal
    return url.host === new URL(`${url.protocol}//${request.headers.host ?? ''}`).host;
  } catch {
    return false;
  }
}

function allowedHostnames(listenHost: string, extra: readonly string[]): Set<string> {
  const names = new Set<string>(['localhost', '127.0.0.1', '::1']);
  const add = (name: string) => {
    // a name, name:port, [v6]:port, or a bare IPv6 address
    const h = hostnameOf(name) ?? hostnameOf(`[${name}]`);
    if (h) names.add(h);
  };
  if (isWildcardAddress(listenHost)) {
    // every name and address of this machine
    add(hostname());
    add(hostname().split('.')[0]!);
    for (const list of Object.values(networkInterfaces())) {
      for (const address of list ?? []) add(address.address.replace(/%.*$/, ''));
    }
  } else {
    add(listenHost);
  }
  for (const name of extra) if (name.trim() !== '') add(name.trim());
  return names;
}
