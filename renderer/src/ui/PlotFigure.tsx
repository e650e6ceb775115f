import * as Plot from '@observablehq/plot';
import { useEffect, useRef, useSyncExternalStore, type ReactNode } from 'react';

/** What a figure takes from the page as it is now: the theme's colours (Plot takes colours, not CSS variables) and its host's width. */
export interface PlotTheme {
  text: string;
  accent: string;
  width: number;
}

/** Plot's options, with `style` as an object: it is laid over the figure's own (transparent, the theme's text, 11 px). */
export type PlotFigureOptions = Omit<Plot.PlotOptions, 'style'> & { style?: Partial<CSSStyleDeclaration> };

// The theme is the root's data-theme attribute: its CSS variables change when it does.
function onThemeChange(notify: () => void): () => void {
  const observer = new MutationObserver(notify);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  return () => observer.disconnect();
}
const themeNow = () => document.documentElement.dataset.theme;

/**
 * An Observable Plot chart, drawn into its host after render from `plot` (given the theme's colours and the host's
 * width), and drawn again when one of `deps` changes or the theme does. Until `plot` is given, `children` show.
 */
export function PlotFigure(props: {
  plot: ((theme: PlotTheme) => PlotFigureOptions) | undefined;
  /** What the chart is drawn from, besides the theme. */
  deps: readonly unknown[];
  /** The chart's name (role img), for assistive technology and tests. */
  label?: string;
  className?: string;
  children?: ReactNode;
}) {
  const host = useRef<HTMLDivElement>(null);
  const theme = useSyncExternalStore(onThemeChange, themeNow);
  const plot = useRef(props.plot);
  plot.current = props.plot;
  useEffect(() => {
    const el = host.current;
    if (!el || !plot.current) return;
    const css = getComputedStyle(el);
    const text = css.getPropertyValue('--text').trim();
    const options = plot.current({ text, accent: css.getPropertyValue('--accent').trim() || '#ff7a2f', width: el.clientWidth });
    const chart = Plot.plot({ ...options, style: { background: 'transparent', color: text, fontSize: '11px', ...options.style } });
    if (props.label) {
      // With a legend Plot wraps the chart in a figure: the chart is its last svg of its own (a swatch's svg sits deeper).
      const svg = chart.tagName === 'svg' ? chart : chart.querySelector(':scope > svg:last-of-type');
      svg?.setAttribute('role', 'img');
      svg?.setAttribute('aria-label', props.label);
    }
    el.replaceChildren(chart);
  }, [...props.deps, props.plot === undefined, props.label, theme]);
  return (
    <div ref={host} className={props.className}>
      {props.plot ? null : props.children}
    </div>
  );
}
