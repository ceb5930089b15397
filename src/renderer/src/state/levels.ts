/**
 * Each chain's current alarm levels, from its newest events (the contract has
 * no "current level" method: see currentLevels). A chain's events are fetched
 * again only when its data may have changed: a run of it ended (its version)
 * or its last elaborated timestamp moved.
 */
import { useEffect, useRef, useState } from 'react';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainSummary } from '../../../contract/types.ts';
import { chainLabel } from '../../../contract/types.ts';
import { type ChainLevels, currentLevels, LEVEL_EVENTS_LIMIT } from './overview.ts';

const CONCURRENCY = 4;

export function useChainLevels(
  api: CatenaApi,
  chains: readonly ChainSummary[] | null,
  versions: ReadonlyMap<string, number>,
): ReadonlyMap<string, ChainLevels> {
  const [levels, setLevels] = useState<ReadonlyMap<string, ChainLevels>>(new Map());
  /** label → the fetch key its levels were (or are being) fetched for */
  const fetched = useRef(new Map<string, string>());

  useEffect(() => {
    if (!chains) return;
    const todo = chains.filter((c) => {
      const label = chainLabel(c);
      const key = `${versions.get(label) ?? 0}:${c.lastElaboratedAt ?? '-'}`;
      if (fetched.current.get(label) === key) return false;
      fetched.current.set(label, key);
      return true;
    });
    if (todo.length === 0) return;
    let next = 0;
    const worker = async () => {
      while (next < todo.length) {
        const chain = todo[next++]!;
        const label = chainLabel(chain);
        try {
          const events = await api.events({
            key: { controlUnitCode: chain.controlUnitCode, chain: chain.chain },
            limit: LEVEL_EVENTS_LIMIT,
          });
          const value = currentLevels(events, LEVEL_EVENTS_LIMIT, chain.lastElaboratedAt);
          setLevels((prev) => new Map(prev).set(label, value));
        } catch (reason) {
          // asked again on the next change of the chain
          fetched.current.delete(label);
          console.warn(`alarm levels of ${label}:`, reason);
        }
      }
    };
    for (let i = 0; i < Math.min(CONCURRENCY, todo.length); i++) void worker();
  }, [api, chains, versions]);

  return levels;
}
