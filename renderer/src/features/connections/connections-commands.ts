import type { Command } from '../../app/commands';
import { connectionsOpen, openConnections, showWelcome } from './connections-store';

/** Connections' commands: the dialog (also the status bar's source pill), and the first start's welcome again. */
export function connectionsCommands(): Command[] {
  return [
    { id: 'connections.open', title: 'Open… (source, NATS, Tile38, demand)', group: 'Connections', shortcut: 'Shift+C', run: () => openConnections() },
    {
      id: 'connections.welcome',
      title: 'Welcome: start with the simulator, NATS or a Parquet archive',
      group: 'Workbench',
      enabled: () => !connectionsOpen.get().open,
      run: showWelcome,
    },
  ];
}
