/**
 * electron-vite: three bundles into out/.
 * - main: the Electron main process (ESM) and, as a second entry, the engine's
 *   worker-thread entry (out/main/worker.js), which the main process hands to
 *   the engine as `new URL('./worker.js', import.meta.url)`; a third entry is
 *   SQLite's worker thread (out/main/sqlite-worker.js), so the database file
 *   is never read on the main process's event loop.
 * - preload: one CommonJS file with nothing external but electron, as a
 *   sandboxed preload must be.
 * - renderer: the React interface (also served by the HTTP host).
 */
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      target: 'node24',
      outDir: resolve(root, 'out/main'),
      rollupOptions: {
        input: {
          index: resolve(root, 'src/main/index.ts'),
          worker: resolve(root, 'src/core/engine/worker.ts'),
          'sqlite-worker': resolve(root, 'src/core/store/sqlite/worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      target: 'node24',
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve(root, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(root, 'src/renderer'),
    base: './',
    plugins: [react()],
    build: {
      target: 'es2023',
      outDir: resolve(root, 'out/renderer'),
      // also served to browsers by the HTTP host
      minify: true,
      chunkSizeWarningLimit: 1500,
      rollupOptions: { input: { index: resolve(root, 'src/renderer/index.html') } },
    },
  },
});
