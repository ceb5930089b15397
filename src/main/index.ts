/**
 * Electron main process: opens the core service (the demo database unless
 * CATENA_DB or --db=URL says otherwise), answers the contract's methods over
 * one IPC channel, forwards the engine's events to the window, and shows the
 * renderer in a sandboxed, context-isolated window.
 */
import { hostname } from 'node:os';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, type IpcMainInvokeEvent, ipcMain, session, shell } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../contract/bridge.ts';
import { createDispatcher } from '../contract/dispatch.ts';
import type { EngineEvent } from '../contract/events.ts';
import { isCatenaError } from '../core/errors.ts';
import { createHostLog } from '../core/log.ts';
import { openCatenaService } from '../core/service/service.ts';
import type { CatenaService } from '../core/service/types.ts';
import { withDatabasePassword } from '../core/store/password.ts';
import { safeStorageBox } from './secrets.ts';
import { isAllowedExternal, isOurRenderer } from './security.ts';

const log = createHostLog('desktop');
const logUnexpected = log.unexpected;

function databaseArgument(): string | undefined {
  const flag = process.argv.find((arg) => arg.startsWith('--db='));
  const url = flag ? flag.slice('--db='.length) : (process.env.CATENA_DB ?? undefined);
  return url === undefined ? undefined : withDatabasePassword(url, process.env);
}

const db = databaseArgument();

// Opened once; while it opens (or if it fails) every call waits for (or
// answers with) the outcome, so a refused connection reaches the operator as
// a message instead of a window that never appears.
const servicePromise: Promise<CatenaService> = app.whenReady().then(() =>
  openCatenaService({
    db,
    ensureDemo: db === undefined,
    host: hostname(),
    // the engine's worker, bundled next to this file (electron.vite.config.ts)
    workerUrl: new URL('./worker.js', import.meta.url),
    sqliteWorkerUrl: new URL('./sqlite-worker.js', import.meta.url),
    // the connection manager: recent connections, passwords encrypted with safeStorage
    connections: { secrets: safeStorageBox },
    onNotifyWarning: (warning) =>
      process.stderr.write(`${new Date().toISOString()} WARN notify: ${warning}\n`),
  }),
);
servicePromise.catch((error: unknown) => {
  if (!isCatenaError(error)) logUnexpected(error, 'opening the database');
});

const dispatch = createDispatcher(servicePromise, { isExpected: isCatenaError, logUnexpected });

let mainWindow: BrowserWindow | null = null;

/** The page the window shows: the bundled renderer, or the dev server in development. */
function ourPage(): { file: string } | { devOrigin: string } {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl) return { devOrigin: devUrl };
  return { file: fileURLToPath(new URL('../renderer/index.html', import.meta.url)) };
}

/** Our window, and in it the top frame showing our page (never an iframe or a page it was steered to). */
function fromOurWindow(event: IpcMainInvokeEvent): boolean {
  if (mainWindow === null || event.sender !== mainWindow.webContents) return false;
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && isOurRenderer(frame.url, ourPage());
}

ipcMain.handle(IPC_INVOKE, async (event, method: unknown, input: unknown) => {
  if (!fromOurWindow(event)) {
    return { ok: false, error: { code: 'BAD_REQUEST', message: 'call from an unknown window refused' } };
  }
  if (typeof method !== 'string') {
    return { ok: false, error: { code: 'BAD_REQUEST', message: 'method must be a string' } };
  }
  return dispatch(method, input);
});

function forward(event: EngineEvent): void {
  if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(IPC_EVENT, event);
}

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1440,
    height: 920,
    minWidth: 960,
    minHeight: 600,
    show: false,
    title: 'Catena',
    backgroundColor: '#14181d',
    autoHideMenuBar: true,
    webPreferences: {
      preload: fileURLToPath(new URL('../preload/index.cjs', import.meta.url)),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  window.once('ready-to-show', () => window.show());
  // links open in the system browser, never inside the app, and only to allowed sites
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (isAllowedExternal(url)) void shell.openExternal(url);
    else log.info(`refused to open ${url.slice(0, 200)}: not an allowed site`);
    return { action: 'deny' };
  });
  window.webContents.on('will-navigate', (event) => event.preventDefault());

  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (!app.isPackaged && devUrl) void window.loadURL(devUrl);
  else void window.loadFile(fileURLToPath(new URL('../renderer/index.html', import.meta.url)));
  return window;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  void app.whenReady().then(() => {
    // The console needs no camera, microphone, notifications or geolocation: every request is refused.
    session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
    session.defaultSession.setPermissionCheckHandler(() => false);
    // A chain report (ReportButton: the PDF's bytes came through IPC, handed over as a blob: download)
    // is saved where the operator says, through the system's save dialog.
    session.defaultSession.on('will-download', (_event, item) => {
      if (item.getMimeType() !== 'application/pdf') return;
      item.setSaveDialogOptions({
        title: 'Save the chain report',
        defaultPath: item.getFilename(),
        filters: [{ name: 'PDF', extensions: ['pdf'] }],
      });
    });
    mainWindow = createWindow();
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    servicePromise.then(
      (service) => service.onEvent(forward),
      () => {},
    );
  });

  let closing = false;
  app.on('window-all-closed', () => {
    if (closing) return;
    closing = true;
    servicePromise
      .then((service) => service.close())
      .catch((error: unknown) => logUnexpected(error, 'closing'))
      .finally(() => app.quit());
  });
}
