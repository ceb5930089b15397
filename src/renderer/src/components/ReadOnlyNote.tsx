import { READ_ONLY_NOTE } from '../access.ts';

/** Where write controls are hidden from the read-only token: says why. */
export function ReadOnlyNote() {
  return (
    <p className="read-only-note" role="note" data-testid="read-only-note">
      {READ_ONLY_NOTE}
    </p>
  );
}
