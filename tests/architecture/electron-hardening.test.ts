/**
 * The desktop app's doors, without an Electron binary: which links may leave
 * the app, which frames may call the main process, and the fuses flipped into
 * the packaged binary.
 */
import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import { FUSES } from '../../electron.fuses.ts';
import { isAllowedExternal, isOurRenderer } from '../../src/main/security.ts';

describe('links to the system browser', () => {
  it.each([
    ['https://github.com/catena/catena/issues', true],
    ['http://github.com/', false],
    ['https://github.com.evil.example/', false],
    ['https://user@github.com/', false],
    ['file:///etc/passwd', false],
    ['javascript:alert(1)', false],
    ['smb://server/share', false],
    ['not a url', false],
  ])('%s → %s', (url, allowed) => {
    expect(isAllowedExternal(url)).toBe(allowed);
  });
});

describe('IPC callers', () => {
  const page = { file: '/opt/catena/out/renderer/index.html' };
  it.each([
    ['file:///opt/catena/out/renderer/index.html', true],
    ['file:///opt/catena/out/renderer/index.html#/chains', true],
    ['file:///tmp/evil.html', false],
    ['https://example.com/', false],
    [undefined, false],
  ])('bundled page, frame %s → %s', (url, ok) => {
    expect(isOurRenderer(url, page)).toBe(ok);
  });
  it('in development only the dev server origin', () => {
    const dev = { devOrigin: 'http://localhost:5173/' };
    expect(isOurRenderer('http://localhost:5173/index.html', dev)).toBe(true);
    expect(isOurRenderer('http://localhost:5174/', dev)).toBe(false);
  });
});

describe('Electron fuses of the packaged app', () => {
  it('no Node runtime, no NODE_OPTIONS, no inspector, code only from the integrity-checked asar', () => {
    expect(FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(FUSES[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });
});
