/** Which rules an event reaches. */
import type { ChainKey } from '../domain/chain.ts';
import type { NotifyRule } from '../store/port.ts';

export interface MatchableEvent {
  metric: string;
  level: number;
  previousLevel: number;
}

/**
 * An event matches when max(level, previousLevel) reaches the rule's minimum
 * level (so the all-clear goes to whoever got the alarm) and the rule's chain
 * and metric are the event's or null (all). Chains compare as the database
 * stores them, case-insensitively like the default MySQL collation.
 */
export function matches(rule: NotifyRule, key: ChainKey, event: MatchableEvent): boolean {
  if (Math.max(event.level, event.previousLevel) < rule.minLevel) return false;
  if (rule.controlUnitCode !== null && !same(rule.controlUnitCode, key.controlUnitCode)) return false;
  if (rule.chain !== null && !same(rule.chain, key.chain)) return false;
  if (rule.metric !== null && rule.metric !== event.metric) return false;
  return true;
}

function same(a: string, b: string): boolean {
  return a.trim().toLowerCase() === b.trim().toLowerCase();
}
