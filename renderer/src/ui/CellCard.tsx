import type { ReactNode } from 'react';
import { setUi } from '../app/ui-store';

/** A card pinned over the map for one H3 cell: its index, a button that unpins it, and what a feature shows of it. */
export function CellCard({ hex, label, place, children }: { hex: string; label: string; place?: string | undefined; children: ReactNode }) {
  return (
    <section className="pinned" data-map-overlay role="region" aria-label={label}>
      <header>
        <span>
          <span className="mono">{hex}</span>
          {place && <span className="cell-place muted"> · near {place}</span>}
        </span>
        <button aria-label="Unpin the cell" onClick={() => setUi({ selection: null })}>
          ×
        </button>
      </header>
      {children}
    </section>
  );
}
