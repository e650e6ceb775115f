import { useEffect, useLayoutEffect, useRef, useState } from 'react';

export interface MenuItem {
  label: string;
  run: () => Promise<unknown> | void;
}

/**
 * A button (`label` on it, `name` its accessible name when the label is shortened) that opens a short menu of actions, under its right edge so a panel's side does not cut it (Escape or a click elsewhere closes it); an action that
 * fails says why under the button, in an alert, in its own words.
 */
export function MenuButton({ label, name, menuLabel, items }: { label: string; name?: string; menuLabel: string; items: readonly MenuItem[] }) {
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string>();
  const [up, setUp] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const menu = useRef<HTMLSpanElement>(null);
  // Near the window's foot (a panel's last section) the menu opens upwards, so the panel's edge does not cut it.
  useLayoutEffect(() => {
    if (!open) return setUp(false);
    const below = root.current!.getBoundingClientRect().bottom + menu.current!.offsetHeight;
    setUp(below > window.innerHeight - 40);
  }, [open]);
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
      <button type="button" aria-label={name} aria-expanded={open} aria-haspopup="menu" onClick={() => setOpen(!open)}>
        {label}
      </button>
      {open && (
        <span ref={menu} role="menu" aria-label={menuLabel} className={up ? 'menu-button-items up' : 'menu-button-items'}>
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
