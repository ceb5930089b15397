/**
 * The production elaboration (src/core/elaboration) against the independent
 * oracle of reference-elaboration.ts, on the demo site and on seeded random
 * small chains (no alarm delays: v1's events). Every output value must agree
 * to 1e-9 relative (|a − b| ≤ 1e-9 · max(1, |a|, |b|)), flags and events
 * exactly.
 */
import { describe, expect, it } from 'vitest';
import { type ChainCase, coverage, demoCases, expectAgreement, randomCase } from './harness.ts';

describe('production elaboration against the reference oracle', () => {
  it('agrees on the 12-day demo site', () => {
    const cases = demoCases(12);
    // CU002-A's explicit referenceTime falls on the first timestamp of a 12-day record: also try
    // one inside the record and off the grid (2 days 15 minutes in).
    const explicit = cases.find((c) => c.station.referenceTime !== null)!;
    cases.push({
      ...explicit,
      label: `${explicit.label} with referenceTime inside the record`,
      station: { ...explicit.station, referenceTime: explicit.raw.timestamp[0]! + 2 * 86400 + 900 },
    });
    const { rows, events } = expectAgreement(cases);
    expect(rows).toBeGreaterThan(70_000);
    expect(events).toBeGreaterThan(0);
    console.log(`demo 12 days: ${cases.length} chains, ${rows} rows, ${events} events agree`);
  });

  it('agrees on the 60-day demo site (gap, error bursts, dead node)', () => {
    const cases = demoCases(60);
    const { rows, events } = expectAgreement(cases);
    expect(events).toBeGreaterThan(0);
    console.log(`demo 60 days: ${cases.length} chains, ${rows} rows, ${events} events agree`);
  });

  it('agrees on 60 seeded random small chains', () => {
    const cases: ChainCase[] = [];
    for (let seed = 1; seed <= 60; seed++) cases.push(randomCase(seed));
    for (const key of Object.keys(coverage) as Array<keyof typeof coverage>) coverage[key] = 0;
    const { rows, events } = expectAgreement(cases);
    console.log(`random: ${cases.length} chains, ${rows} rows, ${events} events agree`, coverage);
    expect(Math.min(...Object.values(coverage))).toBeGreaterThan(20);
  });
});
