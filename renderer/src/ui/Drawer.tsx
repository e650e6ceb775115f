import type { ReactNode } from 'react';

/**
 * An item opened beside the side panel, over the map's edge, full height with its own one scroll: the
 * list it was opened from stays as it was (no nested scroll, nothing pushed below the fold). Escape or
 * its × closes it.
 */
export function Drawer({ label, onClose, children }: { label: string; onClose(): void; children: ReactNode }) {
  return (
    <section
      className="drawer"
      role="region"
      aria-label={label}
      onKeyDown={(e) => {
        if (e.key !== 'Escape') return;
        e.stopPropagation();
        onClose();
      }}
    >
      {children}
    </section>
  );
}
