import { useEffect, useRef, useState } from 'react';

export interface MenuItem {
  label: string;
  run: () => Promise<unknown> | void;
}

/**
 * A button that opens a short menu of actions (Escape or a click elsewhere closes it); an action that
 * fails says why under the button, in an alert, in its own words.
 */
export function MenuButton({ label, menuLabel, items }: { label: string; menuLabel: string; items: readonly MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const root = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    if (!open) return;
    const away = (e: PointerEvent) => {
      if (!root.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);
  return (
    <span
      className="menu-button"
      ref={root}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
        }
      }}
    >
      <button type="button" aria-expanded={open} aria-haspopup="menu" onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <span role="menu" aria-label={menuLabel} className="menu-button-items">
          {items.map((item) => (
            <button
              key={item.label}
              type="button"
              role="menuitem"
              onClick={() => {
                setOpen(false);
                setError(undefined);
                void Promise.resolve()
                  .then(item.run)
                  .catch((err: Error) => setError(`${item.label}: ${err.message}`));
              }}
            >
              {item.label}
            </button>
          ))}
        </span>
      )}
      {error && (
        <span className="menu-button-error" role="alert">
          {error} <button onClick={() => setError(undefined)}>Dismiss</button>
        </span>
      )}
    </span>
  );
}
