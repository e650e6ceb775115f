import type { ReactNode } from 'react';
import { Dialog } from '../ui';
import { closeHelp } from './help-dialogs';

/** A modal of the workbench's help: the one Dialog, closed also by a click beside it and by F1. */
export function HelpDialogFrame({ title, className, actions, children }: { title: string; className: string; actions?: ReactNode; children: ReactNode }) {
  return (
    <Dialog title={title} className={className} actions={actions} onClose={closeHelp} closeOnClickBeside closeKeys={['F1']} bare>
      {children}
    </Dialog>
  );
}
