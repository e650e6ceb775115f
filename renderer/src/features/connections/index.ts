/** Connections: the source, NATS, Tile38 and the demand stream, tested and saved from a dialog; the first start's welcome. */
export { Connections } from './ConnectionsDialog';
export { Welcome } from './Welcome';
export { connectionsCommands } from './connections-commands';
// The status bar's source pill (and a dropped connection's button) opens the dialog.
export { openConnections } from './connections-store';
import './connections.css'; // after the exports: it follows the ui/ sheet they import
