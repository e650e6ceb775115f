import type { ReactNode } from 'react';

/** An action asked to be confirmed in place: what it will do, and the two ways out. Escape cancels. */
export function Confirm(props: { title: string; children: ReactNode; confirm: string; danger?: boolean; onConfirm(): void; onCancel(): void }) {
  return (
    <div
      className="confirm"
      role="alertdialog"
      aria-label={props.title}
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onCancel();
        }
      }}
    >
      <p className="confirm-title">{props.title}</p>
      <div className="confirm-body">{props.children}</div>
      <div className="toolbar">
        <button className={props.danger ? 'danger' : 'primary'} autoFocus onClick={props.onConfirm}>
          {props.confirm}
        </button>
        <button onClick={props.onCancel}>Cancel</button>
      </div>
    </div>
  );
}
