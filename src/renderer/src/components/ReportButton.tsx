import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CatenaApi } from '../../../contract/methods.ts';
import type { ChainKey } from '../../../contract/types.ts';
import { errorMessage } from '../format.ts';
import { currentLang } from '../i18n/index.ts';

/**
 * "Report (PDF)": the chain's report as the core draws it (the same PDF as
 * `catena report`), fetched through the contract and saved as a download:
 * the browser's, or in the desktop app Electron's save dialog.
 */
export function ReportButton(props: { api: CatenaApi; chainKey: ChainKey; disabled: boolean }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async () => {
    setBusy(true);
    setError(null);
    try {
      const report = await props.api.chainReport({ key: props.chainKey, lang: currentLang() });
      const binary = atob(report.base64);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      const url = URL.createObjectURL(new Blob([bytes], { type: report.contentType }));
      const a = document.createElement('a');
      a.href = url;
      a.download = report.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (reason) {
      setError(errorMessage(reason));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <button
        type="button"
        className="small-btn"
        data-testid="report-pdf"
        disabled={props.disabled || busy}
        title={props.disabled ? t('report.elaborateFirst') : t('report.title')}
        onClick={() => void download()}
      >
        {busy ? t('report.preparing') : t('report.button')}
      </button>
      {error ? (
        <span className="error-text" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}
