import { useEffect, useRef, type ReactNode } from 'react';
import { closeHelp } from './help-dialogs';

/**
 * A modal of the workbench's help: over everything, named by its title, closed by Esc, its Close button or a
 * click beside it; keys pressed in it stay in it (the map's shortcuts wait), and focus goes back where it was.
 */
export function HelpDialogFrame({ title, className, actions, children }: { title: string; className: string; actions?: ReactNode; children: ReactNode }) {
  const dialog = useRef<HTMLDivElement>(null);
  // Read as it first renders: by the effect, a field's autoFocus has already taken the focus into the dialog.
  const before = useRef(document.activeElement as HTMLElement | null);
  useEffect(() => {
    const back = before.current;
    if (!dialog.current?.contains(document.activeElement)) dialog.current?.focus();
    // Back where it was; gone from the page, the focus stays on the page, where the workstation's keys reach.
    return () => {
      if (back?.isConnected) back.focus();
    };
  }, []);
  return (
    <div className="help-backdrop" onMouseDown={closeHelp}>
      <div
        ref={dialog}
        className={`help-dialog ${className}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        tabIndex={-1}
        onMouseDown={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key !== 'Escape' && e.key !== 'F1') return;
          e.preventDefault();
          closeHelp();
        }}
      >
        <header className="help-head">
          <h2>{title}</h2>
          {actions}
          <button onClick={closeHelp} title="Close (Esc)">
            Close
          </button>
        </header>
        {children}
      </div>
    </div>
  );
}
