/**
 * The connection manager's memory: the profiles an operator connected to,
 * most recent first, in `connections.json` of the data folder. A password is
 * kept only encrypted, by the host's secret box (Electron's safeStorage); a
 * host that has none (the HTTP service, the CLI) or whose box cannot
 * encrypt does not store it, and says so. The file is read through zod: a
 * damaged file is set aside, never trusted.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { CatenaError } from '../errors.ts';
import { dataDir } from '../paths.ts';
import { type ConnectionProfile, redact } from '../store/profile.ts';
import type { ConnectionList, SecretBox } from './types.ts';

const MAX_RECENT = 10;

const entrySchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(['mysql', 'sqlite']),
  host: z.string().max(255).nullable(),
  port: z.number().int().min(1).max(65535).nullable(),
  user: z.string().max(80).nullable(),
  database: z.string().max(64).nullable(),
  tls: z.union([z.boolean(), z.literal('skip-verify')]).nullable(),
  path: z.string().max(4096).nullable(),
  sealedPassword: z.string().max(16_384).nullable(),
  lastUsedAt: z.number(),
});
type Entry = z.output<typeof entrySchema>;
const fileSchema = z.object({ version: z.literal(1), connections: z.array(entrySchema).max(100) });

export function connectionsFile(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDir(env), 'connections.json');
}

function tlsOf(profile: ConnectionProfile): Entry['tls'] {
  if (profile.kind !== 'mysql' || profile.tls === undefined) return null;
  if (typeof profile.tls === 'boolean') return profile.tls;
  return profile.tls.rejectUnauthorized === false ? 'skip-verify' : true;
}

function sameTarget(entry: Entry, profile: ConnectionProfile): boolean {
  if (profile.kind === 'sqlite') return entry.kind === 'sqlite' && entry.path === profile.path;
  return (
    entry.kind === 'mysql' &&
    entry.host === profile.host &&
    entry.port === profile.port &&
    entry.user === profile.user &&
    entry.database === profile.database
  );
}

export class ConnectionBook {
  readonly #file: string;
  readonly #box: SecretBox | null;

  constructor(file: string, box: SecretBox | null) {
    this.#file = file;
    this.#box = box;
  }

  /** Why passwords are not stored here, or null when they are (encrypted). */
  passwordNote(): string | null {
    if (!this.#box) {
      return 'This host cannot encrypt passwords, so it does not store them: enter the password each time you connect.';
    }
    return this.#box.unavailable();
  }

  list(): ConnectionList {
    const note = this.passwordNote();
    return {
      connections: this.#read().map((e) => ({
        id: e.id,
        label: redact(this.#profileOf(e, '')),
        kind: e.kind,
        host: e.host,
        port: e.port,
        user: e.user,
        database: e.database,
        tls: e.tls,
        path: e.path,
        hasPassword: e.sealedPassword !== null,
        lastUsedAt: e.lastUsedAt,
      })),
      canStorePasswords: note === null,
      passwordNote: note,
    };
  }

  /** The stored profile of `id`, its password decrypted; PROFILE_INVALID when there is none. */
  profile(id: string): ConnectionProfile {
    const entry = this.#read().find((e) => e.id === id);
    if (!entry) {
      throw new CatenaError(
        'PROFILE_INVALID',
        'That connection is no longer in the list of recent connections; enter it again.',
      );
    }
    let password = '';
    if (entry.sealedPassword !== null && this.#box && this.#box.unavailable() === null) {
      try {
        password = this.#box.decrypt(entry.sealedPassword);
      } catch (error) {
        throw new CatenaError(
          'PROFILE_INVALID',
          'The stored password of this connection cannot be decrypted on this computer; enter it again.',
          {},
          { cause: error },
        );
      }
    }
    return this.#profileOf(entry, password);
  }

  /**
   * Puts the profile first in the recent list (once: the same server, user and
   * database, or the same file, replaces its older entry). Its password is
   * stored encrypted when this host can; `keepPassword` keeps the stored one
   * (a connection made from the list). Returns the entry's id.
   */
  remember(profile: ConnectionProfile, now: number, keepPassword = false): string {
    const entries = this.#read();
    const old = entries.find((e) => sameTarget(e, profile));
    let sealed: string | null = null;
    if (profile.kind === 'mysql') {
      if (keepPassword && old) sealed = old.sealedPassword;
      else if (profile.password !== '' && this.passwordNote() === null && this.#box) {
        sealed = this.#box.encrypt(profile.password);
      }
    }
    const entry: Entry = {
      id: old?.id ?? randomUUID(),
      kind: profile.kind,
      host: profile.kind === 'mysql' ? profile.host : null,
      port: profile.kind === 'mysql' ? profile.port : null,
      user: profile.kind === 'mysql' ? profile.user : null,
      database: profile.kind === 'mysql' ? profile.database : null,
      tls: tlsOf(profile),
      path: profile.kind === 'sqlite' ? profile.path : null,
      sealedPassword: sealed,
      lastUsedAt: now,
    };
    const next = [entry, ...entries.filter((e) => e !== old)].slice(0, MAX_RECENT);
    this.#write(next);
    return entry.id;
  }

  forget(id: string): boolean {
    const entries = this.#read();
    const next = entries.filter((e) => e.id !== id);
    if (next.length === entries.length) return false;
    this.#write(next);
    return true;
  }

  #profileOf(e: Entry, password: string): ConnectionProfile {
    if (e.kind === 'sqlite') return { kind: 'sqlite', path: e.path ?? '' };
    const profile: ConnectionProfile = {
      kind: 'mysql',
      host: e.host ?? '',
      port: e.port ?? 3306,
      user: e.user ?? '',
      password,
      database: e.database ?? '',
    };
    if (e.tls === true) profile.tls = true;
    else if (e.tls === 'skip-verify') profile.tls = { rejectUnauthorized: false };
    return profile;
  }

  #read(): Entry[] {
    if (!existsSync(this.#file)) return [];
    let parsed: z.ZodSafeParseResult<z.output<typeof fileSchema>>;
    try {
      parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.#file, 'utf8')));
    } catch {
      parsed = fileSchema.safeParse(null);
    }
    if (parsed.success) return parsed.data.connections;
    // A damaged list is set aside (kept for a look), and the list starts again.
    renameSync(this.#file, `${this.#file}.damaged-${Date.now()}`);
    return [];
  }

  #write(entries: Entry[]): void {
    mkdirSync(dirname(this.#file), { recursive: true });
    const partial = `${this.#file}.partial`;
    writeFileSync(partial, `${JSON.stringify({ version: 1, connections: entries }, null, 2)}\n`, {
      mode: 0o600,
    });
    renameSync(partial, this.#file);
  }
}
