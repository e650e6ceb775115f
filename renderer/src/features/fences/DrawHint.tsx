import { useEffect, useState } from 'react';
import { createPortal } from 'react-dom';
import { createStore } from '../../app/store';
import { useMapHandle } from '../../map';

/** What the shape being drawn measures, and where on the map to say it (a circle's radius above its centre). */
const hint = createStore<{ at: [number, number]; text: string } | null>(null);
export const setDrawHint = hint.set;

/** The measure of the shape being drawn, beside it on the map, following the map as it moves. */
export function DrawHint() {
  const { map } = useMapHandle();
  const current = hint.use();
  const [, redraw] = useState(0);
  useEffect(() => {
    if (!current) return;
    const move = () => redraw((n) => n + 1);
    map.on('move', move);
    return () => void map.off('move', move);
  }, [map, current !== null]);
  if (!current) return null;
  const { x, y } = map.project(current.at);
  return createPortal(
    <div className="draw-hint" role="status" aria-label="Circle radius" style={{ left: x, top: y }}>
      {current.text}
    </div>,
    map.getContainer(),
  );
}
