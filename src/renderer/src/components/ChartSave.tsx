import { useState } from 'react';
import { errorMessage } from '../format.ts';

export type ChartFormat = 'png' | 'svg';

/**
 * A chart's "save as PNG" and "save as SVG" buttons, and what went wrong
 * saving. `save` answers false when the chart has nothing drawn yet.
 */
export function ChartSave({ save }: { save: (format: ChartFormat) => boolean | Promise<boolean> }) {
  const [error, setError] = useState<string | null>(null);
  const saveAs = async (format: ChartFormat) => {
    setError(null);
    try {
      if (!(await save(format))) setError('Nothing is drawn in this chart yet.');
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
          aria-label="Save chart as PNG"
        >
          PNG
        </button>
        <button
          type="button"
          className="small-btn"
          onClick={() => void saveAs('svg')}
          aria-label="Save chart as SVG"
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
