import { helpDialog } from './help-dialogs';
import { KeyboardShortcuts } from './KeyboardShortcuts';
import { UserGuide } from './UserGuide';

/** The help open over the workbench, if any. */
export function HelpDialogs() {
  const open = helpDialog.use();
  return open === 'shortcuts' ? <KeyboardShortcuts /> : open === 'guide' ? <UserGuide /> : null;
}
