/**
 * The desktop app's doors, as pure functions (tested without Electron):
 * which links may leave the app for the system browser, and which frames may
 * call the main process over IPC.
 */

/** Origins a link may open in the system browser; anything else is refused (and logged). */
export const EXTERNAL_ORIGINS: ReadonlySet<string> = new Set(['https://github.com']);

export function isAllowedExternal(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && EXTERNAL_ORIGINS.has(parsed.origin);
  } catch {
    return false;
  }
}

/**
 * Whether an IPC call comes from the app's own renderer: the top frame of our
 * window showing our page (the bundled index.html, or the dev server's origin
 * in development) — not an iframe, not a page it navigated to.
 */
export function isOurRenderer(
  frameUrl: string | undefined,
  page: { file: string } | { devOrigin: string },
): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    if ('file' in page) return url.protocol === 'file:' && decodeURIComponent(url.pathname) === page.file;
    return url.origin === new URL(page.devOrigin).origin;
  } catch {
    return false;
  }
}
