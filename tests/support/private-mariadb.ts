/**
 * A private MariaDB server for fault tests: its own datadir in a temporary
 * folder, its own port, a child process of the test (under `setpriv
 * --pdeathsig KILL` when available, so it dies with the test process), which
 * the test may stop, restart, freeze (SIGSTOP), thaw and whose connections it
 * may kill, without touching the shared server of the other suites.
 *
 * Startup: `mariadb-install-db` runs once per server binary into a template
 * datadir in the temporary folder (`catena-mariadb-template-<key>`, built
 * under another name and renamed, so parallel test files agree on one); each
 * server starts on a copy of it. The server is tuned for tests (small buffer
 * pool and redo log, no fsync, no binary log, no performance schema).
 *
 * `privateMariadbAvailable()` is false when mariadbd or mariadb-install-db is
 * missing (the tests are skipped with the reason printed), except under
 * CI=true, where it throws: CI fails, never skips, when a service is missing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import mysql from 'mysql2/promise';

/** A row of information_schema.PROCESSLIST, as given to `killConnections`' filter. */
export interface ConnectionInfo {
  id: number;
  user: string;
  host: string;
  db: string | null;
  command: string;
  /** seconds in the current state */
  time: number;
  state: string | null;
  /** the statement running, if any */
  info: string | null;
}

export interface PrivateMariadb {
  /** `mysql://root@127.0.0.1:PORT/catena` (root has no password) */
  readonly url: string;
  readonly port: number;
  /** the server's process id (a new one after each start) */
  readonly pid: number;
  /** the temporary folder: `data/` (datadir), `sock`, `error.log`, `tmp/` */
  readonly dir: string;
  /** a server process is there (possibly frozen) */
  readonly running: boolean;
  readonly frozen: boolean;
  /** Starts the server again on the same port and datadir; resolves once it accepts connections. */
  start(options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Stops the server and waits for its exit: SIGTERM (a clean shutdown; a frozen server is thawed
   * first) or SIGKILL (a crash; InnoDB recovers at the next start).
   */
  stop(options?: { signal?: 'SIGTERM' | 'SIGKILL' }): Promise<void>;
  /**
   * stop, then start again after `downMs` (default 0) and after `whileDown` (run while the server is
   * down) has settled; resolves once the server accepts connections again.
   */
  restart(options?: {
    downMs?: number;
    signal?: 'SIGTERM' | 'SIGKILL';
    whileDown?: () => Promise<unknown>;
  }): Promise<void>;
  /** SIGSTOP: the port still accepts TCP connections (kernel backlog) but nothing answers. */
  freeze(): Promise<void>;
  /** SIGCONT */
  thaw(): Promise<void>;
  /**
   * KILL CONNECTION for every client connection (except the admin connection doing it) that `filter`
   * accepts (default: all); returns the connections killed.
   */
  killConnections(filter?: (info: ConnectionInfo) => boolean): Promise<ConnectionInfo[]>;
  /** A new connection as root (to `database`, default `catena`); the caller ends it. */
  connect(options?: { database?: string | null; connectTimeoutMs?: number }): Promise<mysql.Connection>;
  /** stop (SIGKILL) and remove the temporary folder */
  destroy(): Promise<void>;
}

const DATABASE = 'catena';

/** Test tuning, given to both mariadb-install-db (the bootstrap server) and mariadbd. */
const TUNING = [
  '--skip-name-resolve',
  '--innodb-buffer-pool-size=32M',
  '--innodb-log-file-size=8M',
  '--innodb-flush-log-at-trx-commit=0',
  '--innodb-doublewrite=0',
  '--innodb-flush-method=nosync',
  '--innodb-buffer-pool-load-at-startup=0',
  '--innodb-buffer-pool-dump-at-shutdown=0',
  '--innodb-temp-data-file-path=ibtmp1:1M:autoextend',
  '--skip-log-bin',
  '--performance-schema=OFF',
];

const isRoot = process.getuid?.() === 0;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// --- binaries -----------------------------------------------------------------------------------

const SEARCH = [
  ...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''),
  '/usr/sbin',
  '/usr/local/sbin',
  '/sbin',
  '/usr/bin',
  '/usr/local/bin',
];

function which(name: string): string | null {
  for (const dir of SEARCH) {
    const path = join(dir, name);
    try {
      accessSync(path, constants.X_OK);
      if (statSync(path).isFile()) return path;
    } catch {
      // not here
    }
  }
  return null;
}

interface Binaries {
  mariadbd: string;
  installDb: string;
  /** null when util-linux's setpriv is missing: the server then outlives a test process that is killed */
  setpriv: string | null;
}

function findBinaries(): { binaries: Binaries | null; missing: string[] } {
  const mariadbd = which('mariadbd');
  const installDb = which('mariadb-install-db');
  const missing = [...(mariadbd ? [] : ['mariadbd']), ...(installDb ? [] : ['mariadb-install-db'])];
  if (!mariadbd || !installDb) return { binaries: null, missing };
  return { binaries: { mariadbd, installDb, setpriv: which('setpriv') }, missing };
}

let warned = false;

/**
 * Whether the MariaDB server binaries are installed. False (with the reason printed once) when they
 * are not; under CI=true, throws instead.
 */
export function privateMariadbAvailable(): boolean {
  const { missing } = findBinaries();
  if (missing.length === 0) return true;
  const reason = `${missing.join(' and ')} not found (searched PATH, /usr/sbin, /usr/local/sbin, /sbin)`;
  if (process.env.CI === 'true') {
    throw new Error(
      `A private MariaDB server is required under CI=true but ${reason}; install mariadb-server.`,
    );
  }
  if (!warned) console.warn(`[skip] private MariaDB fault tests skipped: ${reason}`);
  warned = true;
  return false;
}

// --- the template datadir -----------------------------------------------------------------------

function run(file: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (error) reject(new Error(`${file} failed: ${error.message}\n${tail(output, 3000)}`));
      else resolve(output);
    });
  });
}

function tail(text: string, chars: number): string {
  return text.length > chars ? `…${text.slice(-chars)}` : text;
}

const READY_MARK = 'catena-template-ready';

/** The datadir every server copies: built once per mariadbd binary, tuning and user. */
async function templateDatadir(bin: Binaries): Promise<string> {
  const st = statSync(bin.mariadbd);
  const key = createHash('sha256')
    .update(JSON.stringify([bin.mariadbd, st.size, st.mtimeMs, TUNING, process.getuid?.() ?? null]))
    .digest('hex')
    .slice(0, 12);
  const template = join(tmpdir(), `catena-mariadb-template-${key}`);
  if (existsSync(join(template, READY_MARK))) return join(template, 'data');
  const build = mkdtempSync(`${template}.build-`);
  try {
    await run(
      bin.installDb,
      [
        '--no-defaults',
        '--auth-root-authentication-method=normal',
        `--datadir=${join(build, 'data')}`,
        '--skip-test-db',
        ...(isRoot ? ['--user=root'] : []),
        ...TUNING,
      ],
      180_000,
    );
    writeFileSync(join(build, READY_MARK), `${new Date().toISOString()}\n`);
    try {
      renameSync(build, template);
    } catch (error) {
      // Another test process renamed its template first: use that one.
      if (!existsSync(join(template, READY_MARK))) throw error;
    }
  } finally {
    rmSync(build, { recursive: true, force: true });
  }
  return join(template, 'data');
}

// --- processes ----------------------------------------------------------------------------------

/** Servers of this process still alive: killed and removed when the process exits. */
const live = new Map<string, () => number | null>();
let exitHook = false;

function onExit(): void {
  for (const [dir, pid] of live) {
    const p = pid();
    if (p !== null) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The state letter of /proc/<pid>/stat (R, S, T …), or null when unreadable. */
function procState(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) || null;
  } catch {
    return null;
  }
}

class PortInUse extends Error {}

class Server implements PrivateMariadb {
  readonly dir: string;
  #port: number;
  #bin: Binaries;
  #child: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  #frozen = false;

  constructor(bin: Binaries, dir: string, port: number) {
    this.#bin = bin;
    this.dir = dir;
    this.#port = port;
  }

  get url(): string {
    return `mysql://root@127.0.0.1:${this.#port}/${DATABASE}`;
  }
  get port(): number {
    return this.#port;
  }
  get pid(): number {
    const pid = this.#child?.pid;
    if (pid === undefined) throw new Error('The private MariaDB is not running.');
    return pid;
  }
  get running(): boolean {
    return this.#child !== null;
  }
  get frozen(): boolean {
    return this.#frozen;
  }

  /** for the exit hook */
  currentPid = (): number | null => this.#child?.pid ?? null;

  /** first start: on a port taken meanwhile by another process, try another one */
  async firstStart(timeoutMs?: number): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.start({ timeoutMs });
        return;
      } catch (error) {
        if (!(error instanceof PortInUse) || attempt >= 3) throw error;
        this.#port = await freePort();
      }
    }
  }

  async start({ timeoutMs = 60_000 }: { timeoutMs?: number | undefined } = {}): Promise<void> {
    if (this.#child) throw new Error(`The private MariaDB on port ${this.#port} is already running.`);
    const log = join(this.dir, 'error.log');
    const logStart = existsSync(log) ? statSync(log).size : 0;
    const args = [
      '--no-defaults',
      ...(isRoot ? ['--user=root'] : []),
      `--datadir=${join(this.dir, 'data')}`,
      `--port=${this.#port}`,
      `--socket=${join(this.dir, 'sock')}`,
      '--bind-address=127.0.0.1',
      '--local-infile=1',
      `--pid-file=${join(this.dir, 'mariadbd.pid')}`,
      `--log-error=${log}`,
      `--tmpdir=${join(this.dir, 'tmp')}`,
      ...TUNING,
    ];
    const [file, argv] = this.#bin.setpriv
      ? [this.#bin.setpriv, ['--pdeathsig', 'KILL', '--', this.#bin.mariadbd, ...args]]
      : [this.#bin.mariadbd, args];
    const child = spawn(file, argv, { stdio: 'ignore' });
    // The server does not keep the test process alive: at its exit, the exit hook kills the server.
    child.unref();
    let exit: { code: number | null; signal: string | null; error?: Error } | null = null;
    this.#exited = new Promise<void>((resolve) => {
      child.once('error', (error) => {
        exit = { code: null, signal: null, error };
        resolve();
      });
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        resolve();
      });
    }).then(() => {
      if (this.#child === child) {
        this.#child = null;
        this.#frozen = false;
      }
    });
    this.#child = child;
    this.#frozen = false;

    const logTail = () => {
      try {
        return tail(readFileSync(log, 'utf8').slice(logStart), 2000);
      } catch {
        return '(no error log)';
      }
    };
    const deadline = performance.now() + timeoutMs;
    let lastError = '';
    while (true) {
      if (exit !== null) {
        await this.#exited;
        const e = exit as { code: number | null; signal: string | null; error?: Error };
        const text = logTail();
        const why = e.error ? e.error.message : `exit code ${e.code}, signal ${e.signal}`;
        if (/Address already in use|Bind on TCP\/IP port/.test(text)) {
          throw new PortInUse(`port ${this.#port} is in use`);
        }
        throw new Error(`The private MariaDB (port ${this.#port}) exited while starting (${why}):\n${text}`);
      }
      try {
        const conn = await this.connect({ database: null, connectTimeoutMs: 2000 });
        await conn.end();
        return;
      } catch (error) {
        lastError = error instanceof Error ? error.message : String(error);
      }
      if (performance.now() > deadline) {
        child.kill('SIGKILL');
        await this.#exited;
        throw new Error(
          `The private MariaDB (port ${this.#port}, datadir ${this.dir}/data) did not accept connections ` +
            `within ${timeoutMs / 1000} s (last error: ${lastError}):\n${logTail()}`,
        );
      }
      await sleep(50);
    }
  }

  async stop({ signal = 'SIGTERM' }: { signal?: 'SIGTERM' | 'SIGKILL' } = {}): Promise<void> {
    const child = this.#child;
    if (!child) return;
    if (signal === 'SIGTERM' && this.#frozen) await this.thaw();
    child.kill(signal);
    const stopped = await Promise.race([this.#exited.then(() => true), sleep(30_000).then(() => false)]);
    if (!stopped) {
      child.kill('SIGKILL');
      await this.#exited;
    }
  }

  async restart({
    downMs = 0,
    signal,
    whileDown,
  }: {
    downMs?: number;
    signal?: 'SIGTERM' | 'SIGKILL';
    whileDown?: () => Promise<unknown>;
  } = {}): Promise<void> {
    await this.stop({ signal });
    await Promise.allSettled([sleep(downMs), whileDown?.()]);
    await this.start();
  }

  async freeze(): Promise<void> {
    const pid = this.pid;
    process.kill(pid, 'SIGSTOP');
    this.#frozen = true;
    // Delivery is asynchronous: wait until the kernel shows the process stopped.
    for (let i = 0; i < 200 && procState(pid) !== null && procState(pid) !== 'T'; i++) await sleep(5);
  }

  async thaw(): Promise<void> {
    if (!this.#child) return;
    process.kill(this.pid, 'SIGCONT');
    this.#frozen = false;
  }

  connect({
    database = DATABASE,
    connectTimeoutMs = 5000,
  }: {
    database?: string | null;
    connectTimeoutMs?: number;
  } = {}): Promise<mysql.Connection> {
    return mysql.createConnection({
      host: '127.0.0.1',
      port: this.#port,
      user: 'root',
      ...(database ? { database } : {}),
      connectTimeout: connectTimeoutMs,
    });
  }

  async killConnections(filter: (info: ConnectionInfo) => boolean = () => true): Promise<ConnectionInfo[]> {
    const admin = await this.connect({ database: null });
    try {
      const [rows] = await admin.query(
        'SELECT ID, USER, HOST, DB, COMMAND, TIME, STATE, INFO FROM information_schema.PROCESSLIST ' +
          "WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Binlog Dump') " +
          "AND USER NOT IN ('system user', 'event_scheduler', 'unauthenticated user')",
      );
      const killed: ConnectionInfo[] = [];
      for (const row of rows as Record<string, unknown>[]) {
        const info: ConnectionInfo = {
          id: Number(row.ID),
          user: String(row.USER),
          host: String(row.HOST),
          db: row.DB === null ? null : String(row.DB),
          command: String(row.COMMAND),
          time: Number(row.TIME),
          state: row.STATE === null || row.STATE === '' ? null : String(row.STATE),
          info: row.INFO === null ? null : String(row.INFO),
        };
        if (!filter(info)) continue;
        try {
          await admin.query(`KILL CONNECTION ${info.id}`);
          killed.push(info);
        } catch (error) {
          // ER_NO_SUCH_THREAD: it ended meanwhile
          if ((error as { errno?: number }).errno !== 1094) throw error;
        }
      }
      return killed;
    } finally {
      await admin.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stop({ signal: 'SIGKILL' });
    live.delete(this.dir);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Starts a private MariaDB (root without password, database `catena`, LOAD DATA LOCAL allowed) on a
 * free port of 127.0.0.1. Call `destroy()` when done (the process exit kills and removes it otherwise).
 */
export async function startPrivateMariadb(
  options: {
    /** how long to wait for the server to accept connections (default 60 s) */ timeoutMs?: number;
  } = {},
): Promise<PrivateMariadb> {
  const { binaries, missing } = findBinaries();
  if (!binaries) {
    throw new Error(
      `Cannot start a private MariaDB: ${missing.join(' and ')} not found; install mariadb-server.`,
    );
  }
  const data = await templateDatadir(binaries);
  const dir = mkdtempSync(join(tmpdir(), 'catena-mariadb-'));
  const server = new Server(binaries, dir, await freePort());
  live.set(dir, server.currentPid);
  if (!exitHook) {
    process.once('exit', onExit);
    exitHook = true;
  }
  try {
    cpSync(data, join(dir, 'data'), { recursive: true });
    mkdirSync(join(dir, 'tmp'));
    await server.firstStart(options.timeoutMs);
    const admin = await server.connect({ database: null });
    try {
      await admin.query(`CREATE DATABASE IF NOT EXISTS \`${DATABASE}\``);
    } finally {
      await admin.end();
    }
    return server;
  } catch (error) {
    await server.destroy();
    throw error;
  }
}
