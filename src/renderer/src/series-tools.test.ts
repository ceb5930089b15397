import { describe, expect, it } from 'vitest';
import { extent } from './components/LineCanvas.tsx';
import { i18n } from './i18n/index.ts';
import { clampZoom, eventMarkers, eventMarkLabel, presetPeriod, thresholdGuides } from './series-tools.ts';
import { levelColor } from './thresholds.ts';

const LAST = 1_800_000_000;

describe('series tools', () => {
  it('a preset period ends at the chain’s last elaborated time; "newest rows" is no period', () => {
    expect(presetPeriod('7d', LAST)).toEqual({ from: LAST - 7 * 86_400, to: LAST });
    expect(presetPeriod('all', LAST)).toBeNull();
    expect(presetPeriod('1d', null)).toBeNull();
  });

  it('a zoom is whole seconds, in order, inside the bounds, and at least a minute', () => {
    expect(clampZoom(200.4, 100.6, null)).toEqual({ from: 100, to: 201 });
    expect(clampZoom(-50, LAST + 99, { from: 0, to: LAST })).toEqual({ from: 0, to: LAST });
    expect(clampZoom(1000, 1010, null)).toEqual({ from: 1000, to: 1060 });
  });

  it('threshold guides: the node’s bound of each level, labelled and coloured by level', () => {
    const thresholds = [
      { nodeIndex: null, metric: 'velocity_mm_per_day', level: 1, value: 2 },
      { nodeIndex: 4, metric: 'velocity_mm_per_day', level: 2, value: 5 },
    ];
    expect(thresholdGuides(thresholds, 4, 'velocity_mm_per_day')).toEqual([
      { value: 2, color: levelColor(1), label: 'L1 2' },
      { value: 5, color: levelColor(2), label: 'L2 5' },
    ]);
    expect(thresholdGuides(thresholds, 1, 'velocity_mm_per_day')).toHaveLength(1);
    // the value written as the console writes numbers: a decimal comma in Italian
    const half = [{ nodeIndex: null, metric: 'cumulative_mm', level: 1, value: 2.5 }];
    expect(thresholdGuides(half, 1, 'cumulative_mm', (v) => String(v).replace('.', ','))[0]?.label).toBe(
      'L1 2,5',
    );
    expect(thresholdGuides(thresholds, 1, 'cumulative_mm')).toEqual([]);
  });

  it('event markers: the events of the metric, coloured by the level reached, in the console language', async () => {
    const events = [
      { metric: 'cumulative_mm', timestamp: 10, level: 2, previousLevel: 1, nodeIndex: 3 },
      { metric: 'velocity_mm_per_day', timestamp: 20, level: 1, previousLevel: 0, nodeIndex: null },
      { metric: 'cumulative_mm', timestamp: 30, level: 0, previousLevel: 2, nodeIndex: null },
    ];
    const label = (e: (typeof events)[number]) => eventMarkLabel(i18n.t, e);
    await i18n.changeLanguage('en');
    expect(eventMarkers(events, 'cumulative_mm', label)).toEqual([
      { t: 10, color: levelColor(2), label: 'cumulative_mm level 1 → 2 (node 3)' },
      { t: 30, color: levelColor(0), label: 'cumulative_mm level 2 → 0' },
    ]);
    await i18n.changeLanguage('it');
    expect(eventMarkers(events, 'cumulative_mm', label).map((m) => m.label)).toEqual([
      'cumulative_mm livello 1 → 2 (nodo 3)',
      'cumulative_mm livello 2 → 0',
    ]);
    await i18n.changeLanguage('en');
  });

  it('the value range reaches the next threshold above and below the values, not the ones beyond', () => {
    const line = { name: 'cumR', color: '#fff', values: Float64Array.from([2, 4, Number.NaN]) };
    const guide = (value: number) => ({ value, color: '#fff', label: String(value) });
    // values 2…4, thresholds 7, 20, 40: up to 7, padded 5 % of (7 − 2) = 0.25
    expect(extent([line], [guide(40), guide(7), guide(20)])).toEqual([1.75, 7.25]);
    // no threshold: the values padded 5 % of 2 = 0.1
    expect(extent([line], [])).toEqual([1.9, 4.1]);
    // one below too: −5 is the next one below 2 → −5…4, pad 0.45
    expect(extent([line], [guide(-5), guide(-10)])).toEqual([-5.45, 4.45]);
  });
});
