/** The workbench: layout, rail, command palette and shortcuts, the UI store shared by map and panels. */
import './workbench.css';
import './help.css';
export { Workbench } from './Workbench';
export { loadPreferences, persistFields } from './preferences';
export { connectDesktopShell } from './desktop-shell';
