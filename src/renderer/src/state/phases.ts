/** The phases of a chain's run (the engine's progress events), in the console's language. */
import { i18n } from '../i18n/index.ts';

const PHASES = new Set([
  'queued',
  'configuring',
  'reference',
  'reading',
  'elaborating',
  'finishing',
  'retrying',
  'waiting',
  'done',
]);

/** `elaborating` → `elaborazione`; a phase this console does not know is shown as named. */
export function phaseWord(phase: string): string {
  return PHASES.has(phase) ? i18n.t(`phases.${phase}` as 'phases.reading') : phase;
}
