import { describe, expect, it } from 'vitest';
import { WriteLanes } from './write-lanes.ts';

const tick = () => new Promise((r) => setTimeout(r, 1));

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

describe('WriteLanes', () => {
  it('runs at most `size` writes at once, the others in arrival order', async () => {
    const lanes = new WriteLanes(2);
    const gates = [gate(), gate(), gate(), gate()];
    const started: number[] = [];
    const runs = gates.map((g, i) =>
      lanes.use(async () => {
        started.push(i);
        await g.opened;
        return i;
      }),
    );
    await tick();
    expect(started).toEqual([0, 1]);
    expect(lanes.load).toEqual({ busy: 2, waiting: 2 });
    gates[1]!.open();
    await tick();
    expect(started).toEqual([0, 1, 2]);
    gates[0]!.open();
    gates[2]!.open();
    gates[3]!.open();
    expect(await Promise.all(runs)).toEqual([0, 1, 2, 3]);
    expect(lanes.load).toEqual({ busy: 0, waiting: 0 });
  });

  it('frees the lane of a write that fails', async () => {
    const lanes = new WriteLanes(1);
    await expect(lanes.use(() => Promise.reject(new Error('lost')))).rejects.toThrow('lost');
    expect(await lanes.use(async () => 'next')).toBe('next');
  });

  it('a cancelled wait leaves the queue at once and never runs its write', async () => {
    const lanes = new WriteLanes(1);
    const hold = gate();
    const first = lanes.use(() => hold.opened);
    const controller = new AbortController();
    let ran = false;
    const waiting = lanes.use(async () => {
      ran = true;
    }, controller.signal);
    await tick();
    controller.abort(new Error('cancelled'));
    await expect(waiting).rejects.toThrow('cancelled');
    expect(lanes.load).toEqual({ busy: 1, waiting: 0 });
    hold.open();
    await first;
    expect(ran).toBe(false);
    expect(lanes.load).toEqual({ busy: 0, waiting: 0 });
    await expect(lanes.use(async () => 1, controller.signal)).rejects.toThrow('cancelled');
  });

  it('refuses a size that is not a whole number of at least 1', () => {
    expect(() => new WriteLanes(0)).toThrow(RangeError);
    expect(() => new WriteLanes(1.5)).toThrow(RangeError);
  });
});
