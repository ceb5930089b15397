import { useTranslation } from 'react-i18next';

/** Where write controls are hidden from the read-only token: says why. */
export function ReadOnlyNote() {
  const { t } = useTranslation();
  return (
    <p className="read-only-note" role="note" data-testid="read-only-note">
      {t('app.readOnly')}
    </p>
  );
}
