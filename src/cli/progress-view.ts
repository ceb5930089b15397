/**
 * Live per-chain progress on a terminal. On a TTY the chain lines are redrawn
 * in place; elsewhere (a scheduler's log) a line per chain goes out every few
 * seconds, so logs stay readable.
 */

import { chainLabel } from '../core/domain/chain.ts';
import type { ChainProgressEvent, EngineEvent } from '../core/engine/events.ts';

export class ProgressView {
  readonly #out: NodeJS.WriteStream;
  readonly #lines = new Map<string, string>();
  readonly #lastLogged = new Map<string, number>();
  #drawn = 0;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
  }

  handle(event: EngineEvent): void {
    if (event.type === 'chain-progress') this.#progress(event);
    if (event.type === 'chain-finished') {
      const r = event.result;
      const mark = r.status === 'succeeded' ? 'done' : r.status;
      this.#set(chainLabel(r), `${chainLabel(r).padEnd(12)} ${mark}`);
    }
  }

  /** Leaves the terminal clean for the final report. */
  close(): void {
    if (this.#out.isTTY && this.#drawn > 0) this.#out.write(`\x1b[${this.#drawn}A\x1b[J`);
    this.#drawn = 0;
  }

  #progress(e: ChainProgressEvent): void {
    const label = chainLabel(e);
    const pct = e.timestampsTotal > 0 ? (100 * e.timestampsDone) / e.timestampsTotal : 0;
    const width = 24;
    const filled = Math.round((pct / 100) * width);
    const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
    const eta =
      e.phase === 'reading'
        ? ` ${e.rowsRead}/${e.rowsToRead} rows read`
        : e.etaSeconds === null
          ? ''
          : ` eta ${Math.ceil(e.etaSeconds)} s`;
    const text = `${label.padEnd(12)} ${e.phase.padEnd(11)} ${bar} ${pct.toFixed(0).padStart(3)}% ${e.timestampsDone}/${e.timestampsTotal} ts  ${e.rowsWritten} rows  ${e.rate.toFixed(0)} ts/s${eta}`;
    this.#set(label, text);
  }

  #set(label: string, text: string): void {
    this.#lines.set(label, text);
    if (this.#out.isTTY) {
      this.#redraw();
      return;
    }
    const now = performance.now();
    if (now - (this.#lastLogged.get(label) ?? Number.NEGATIVE_INFINITY) >= 5000 || !text.includes('%')) {
      this.#lastLogged.set(label, now);
      this.#out.write(`${text}\n`);
    }
  }

  #redraw(): void {
    const up = this.#drawn > 0 ? `\x1b[${this.#drawn}A` : '';
    const body = [...this.#lines.values()].map((l) => `\x1b[K${l}\n`).join('');
    this.#out.write(up + body);
    this.#drawn = this.#lines.size;
  }
}
