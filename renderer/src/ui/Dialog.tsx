import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A modal over the workbench, named by its title: Escape or Close shuts it (a click beside it does not, so a
 * form half filled is not lost by a stray click); Tab stays inside it, keys pressed while it is open stay in it
 * (the map's shortcuts wait), and focus goes back where it was.
 */
export function Dialog(props: {
  title: string;
  className?: string;
  onClose(): void;
  actions?: ReactNode;
  footer?: ReactNode;
  /** A click beside it closes it too (a dialog that holds nothing typed: help). */
  closeOnClickBeside?: boolean;
  /** Keys that close it besides Escape (F1 closes the guide it opened). */
  closeKeys?: readonly string[];
  /** Its children lay out their own scrolling, under the head (no padded, scrolled body). */
  bare?: boolean;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDivElement>(null);
  const onClose = useRef(props.onClose);
  onClose.current = props.onClose;
  // Read as it first renders: by the effect, a field's autoFocus has already taken the focus into the dialog.
  const before = useRef(document.activeElement as HTMLElement | null);
  const closes = (key: string) => key === 'Escape' || (props.closeKeys?.includes(key) ?? false);
  useEffect(() => {
    const back = before.current;
    if (!dialog.current?.contains(document.activeElement)) dialog.current?.focus();
    // Focus can fall out of it (a button disabled while it works): Escape still closes it, Tab comes back in, and no other shortcut runs.
    const stray = (e: KeyboardEvent) => {
      if (!dialog.current || dialog.current.contains(e.target as Node)) return;
      e.stopPropagation();
      if (e.key === 'Escape') {
        e.preventDefault();
        onClose.current();
      } else if (e.key === 'Tab') {
        e.preventDefault();
        dialog.current.focus();
      }
    };
    window.addEventListener('keydown', stray, true);
    return () => {
      window.removeEventListener('keydown', stray, true);
      // Back where it was; gone from the page, the focus stays on the page, where the workstation's keys reach.
      if (back?.isConnected) back.focus();
    };
  }, []);
  return (
    <div className="dialog-backdrop" onMouseDown={props.closeOnClickBeside ? () => onClose.current() : undefined}>
      <div
        ref={dialog}
        className={`dialog ${props.className ?? ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={props.title}
        tabIndex={-1}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (closes(e.key)) {
            e.preventDefault();
            props.onClose();
          } else if (e.key === 'Tab') keepFocusIn(dialog.current, e);
        }}
      >
        <header className="dialog-head">
          <h2>{props.title}</h2>
          {props.actions}
          <button type="button" onClick={props.onClose} title="Close (Esc)">
            Close
          </button>
        </header>
        {props.bare ? props.children : <div className="dialog-body">{props.children}</div>}
        {props.footer && <footer className="dialog-foot">{props.footer}</footer>}
      </div>
    </div>
  );
}

const FOCUSABLE = 'a[href], button:not(:disabled), input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])';

/** Tab from the last control goes to the first, Shift+Tab from the first to the last. */
function keepFocusIn(root: HTMLElement | null, e: React.KeyboardEvent): void {
  const all = [...(root?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
  if (all.length === 0) return;
  const first = all[0]!;
  const last = all[all.length - 1]!;
  if (e.shiftKey && (document.activeElement === first || document.activeElement === root)) {
    e.preventDefault();
    last.focus();
  } else if (!e.shiftKey && document.activeElement === last) {
    e.preventDefault();
    first.focus();
  }
}
