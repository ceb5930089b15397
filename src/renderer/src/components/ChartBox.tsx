import { type ReactNode, useEffect, useRef, useState } from 'react';
import { saveChartPng, saveChartSvg } from '../chart-export.ts';
import { errorMessage } from '../format.ts';

/**
 * A chart's frame, and one tab stop for the chart. Recharts draws its layers
 * through React portals into `<g>` elements, and Chromium makes an SVG element
 * that has focus listeners (a portal container gets React's) focusable: each
 * chart had seven tab stops. The layers are taken out of the tab order; the
 * chart's surface (role "application", arrow keys move the tooltip) stays.
 */
export function ChartBox(props: {
  className?: string;
  testId: string;
  /** the saved files' name (default: the test id) */
  exportName?: string;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [saveError, setSaveError] = useState<string | null>(null);
  const name = props.exportName ?? props.testId;
  const save = async (format: 'png' | 'svg') => {
    const el = box.current;
    if (!el) return;
    setSaveError(null);
    try {
      const saved = format === 'svg' ? saveChartSvg(el, name) : await saveChartPng(el, name);
      if (!saved) setSaveError('Nothing is drawn in this chart yet.');
    } catch (error) {
      setSaveError(errorMessage(error));
    }
  };
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const untab = () => {
      for (const g of el.querySelectorAll('svg g:not([tabindex])')) {
        if (g.getAttribute('class')?.includes('recharts-zIndex-layer')) g.setAttribute('tabindex', '-1');
      }
    };
    untab();
    const observer = new MutationObserver(untab);
    observer.observe(el, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={box} className={`chart ${props.className ?? ''}`} data-testid={props.testId}>
      <div className="chart-save">
        <button
          type="button"
          className="small-btn"
          onClick={() => void save('png')}
          aria-label="Save chart as PNG"
        >
          PNG
        </button>
        <button
          type="button"
          className="small-btn"
          onClick={() => void save('svg')}
          aria-label="Save chart as SVG"
        >
          SVG
        </button>
      </div>
      {saveError ? (
        <p className="error-text small" role="alert">
          {saveError}
        </p>
      ) : null}
      {props.children}
    </div>
  );
}
