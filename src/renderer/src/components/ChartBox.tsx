import { type ReactNode, useEffect, useRef } from 'react';
import { saveChartPng, saveChartSvg } from '../chart-export.ts';
import { type ChartFormat, ChartSave } from './ChartSave.tsx';

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
  const name = props.exportName ?? props.testId;
  // before the chart's box is mounted there is nothing to save, and nothing to say either
  const save = (format: ChartFormat) => {
    const el = box.current;
    if (!el) return true;
    return format === 'svg' ? saveChartSvg(el, name) : saveChartPng(el, name);
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
      <ChartSave save={save} />
      {props.children}
    </div>
  );
}
