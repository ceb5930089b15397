/**
 * The database's bulk-write streams, shared by every chain of every launch.
 * The benchmark's floor is reached with a few parallel LOAD DATA streams and
 * gets slower with more (docs/PERFORMANCE.md); chains are more than streams,
 * so that one chain's start (configuration, reference, first chunk) or end
 * never leaves a stream idle while another chain has rows ready. A chain
 * writes one batch at a time, in time order, so lanes never reorder a chain.
 */
export class WriteLanes {
  readonly size: number;
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!(Number.isInteger(size) && size >= 1))
      throw new RangeError('write lanes: a whole number of at least 1');
    this.size = size;
    this.#free = size;
  }

  /** Runs `work` in a lane, after waiting for one in arrival order; an aborted wait leaves the queue at once. */
  async use<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.#acquire(signal);
    try {
      return await work();
    } finally {
      this.#release();
    }
  }

  /** lanes in use, and batches waiting for one */
  get load(): { busy: number; waiting: number } {
    return { busy: this.size - this.#free, waiting: this.#waiting.length };
  }

  #acquire(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        const at = this.#waiting.indexOf(grant);
        if (at >= 0) this.#waiting.splice(at, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(grant);
    });
  }

  #release(): void {
    const next = this.#waiting.shift();
    // the lane passes straight to the next waiter: #free stays as it is
    if (next) next();
    else this.#free++;
  }
}
