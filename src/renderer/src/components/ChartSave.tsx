import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../format.ts';

export type ChartFormat = 'png' | 'svg';

/**
 * A chart's "save as PNG" and "save as SVG" buttons, and what went wrong
 * saving. `save` answers false when the chart has nothing drawn yet.
 */
export function ChartSave({ save }: { save: (format: ChartFormat) => boolean | Promise<boolean> }) {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const saveAs = async (format: ChartFormat) => {
    setError(null);
    try {
      if (!(await save(format))) setError(t('chart.nothingDrawn'));
    } catch (failure) {
      setError(errorMessage(failure));
    }
  };
  return (
    <>
      <div className="chart-save">
        <button
          type="button"
          className="small-btn"
          onClick={() => void saveAs('png')}
          aria-label={t('chart.savePng')}
        >
          PNG
        </button>
        <button
          type="button"
          className="small-btn"
          onClick={() => void saveAs('svg')}
          aria-label={t('chart.saveSvg')}
        >
          SVG
        </button>
      </div>
      {error ? (
        <p className="error-text small" role="alert">
          {error}
        </p>
      ) : null}
    </>
  );
}
