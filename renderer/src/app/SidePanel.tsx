import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { setSideWidth, SIDE_MIN_PX, sideLayout, sideMaxPx, toggleNotebooksWhole } from './side-panel';
import type { PanelId } from './ui-store';

const STEP_PX = 16;
const BIG_STEP_PX = 64;

/** The workbench's columns for the open panel: its dragged width, the whole window for the Notebooks panel when asked, else the sheet's. */
export function useSideColumns(panel: PanelId | null): { style?: CSSProperties; whole: boolean } {
  const { widths, notebooksWhole } = sideLayout.use();
  if (!panel) return { whole: false };
  if (panel === 'notebooks' && notebooksWhole) return { whole: true };
  const px = widths[panel];
  return { whole: false, style: px ? { gridTemplateColumns: `64px ${Math.min(px, sideMaxPx())}px 1fr` } : undefined };
}

/**
 * The open panel, with its right edge a separator: dragged, or focused and moved with the arrow keys
 * (Shift: further; Home and End: narrowest and widest; a double click or Enter: its usual width). Where its
 * edge is goes to the page as `--side-right` (and its top and bottom), for drawers opened beside it.
 */
export function SidePanel({ panel, whole, children }: { panel: PanelId; whole: boolean; children: ReactNode }) {
  const aside = useRef<HTMLElement>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = aside.current;
    if (!el) return;
    const place = () => {
      const r = el.getBoundingClientRect();
      const root = document.documentElement.style;
      root.setProperty('--side-right', `${Math.round(r.right)}px`);
      root.setProperty('--side-top', `${Math.round(r.top)}px`);
      root.setProperty('--side-bottom', `${Math.round(window.innerHeight - r.bottom)}px`);
      setWidth(Math.round(r.width));
    };
    place();
    const observer = new ResizeObserver(place);
    observer.observe(el);
    window.addEventListener('resize', place);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', place);
    };
  }, []);
  const drag = useRef<{ x: number; width: number } | undefined>(undefined);
  // What was last set wins over what was last measured: a second key press comes before the panel has been measured again.
  const current = () => sideLayout.get().widths[panel] ?? width;
  return (
    <>
      <aside className="side" ref={aside}>
        {children}
      </aside>
      {!whole && (
        <div
          className="side-edge"
          role="separator"
          aria-orientation="vertical"
          aria-label="Side panel width"
          aria-valuemin={SIDE_MIN_PX}
          aria-valuemax={sideMaxPx()}
          aria-valuenow={width}
          aria-valuetext={`${width} px`}
          title="Drag to resize the panel (or focus and use ← →; double-click for its usual width)"
          tabIndex={0}
          onPointerDown={(e) => {
            e.currentTarget.setPointerCapture(e.pointerId);
            drag.current = { x: e.clientX, width: current() };
          }}
          onPointerMove={(e) => {
            if (drag.current) setSideWidth(panel, drag.current.width + e.clientX - drag.current.x);
          }}
          onPointerUp={() => (drag.current = undefined)}
          onPointerCancel={() => (drag.current = undefined)}
          onDoubleClick={() => setSideWidth(panel, undefined)}
          onKeyDown={(e) => {
            const step = e.shiftKey ? BIG_STEP_PX : STEP_PX;
            const to = { ArrowLeft: current() - step, ArrowRight: current() + step, Home: SIDE_MIN_PX, End: sideMaxPx() }[e.key];
            if (e.key === 'Enter') setSideWidth(panel, undefined);
            else if (to !== undefined) setSideWidth(panel, to);
            else return;
            e.preventDefault();
            e.stopPropagation();
          }}
        />
      )}
    </>
  );
}

/** The Notebooks panel's switch between the whole window and sharing it with the map (the `w` key does the same). */
export function WholeWindowToggle() {
  const whole = sideLayout.use().notebooksWhole;
  return (
    <button
      className="panel-toggle"
      aria-pressed={whole}
      title={`${whole ? 'Share the window with the map' : 'Take the whole window'} (w)`}
      onClick={toggleNotebooksWhole}
    >
      {whole ? 'Split with map' : 'Whole window'}
    </button>
  );
}
