import type { Command } from '../../app/commands';
import { askToClear, demoStore } from './demo-store';

/** The demo's command: clearing it, asked to be confirmed on its card; only while there is a demo to clear. */
export function demoCommands(): Command[] {
  return [
    {
      id: 'demo.clear',
      title: 'Clear demo data…',
      group: 'Workbench',
      enabled: () => {
        const state = demoStore.get().status?.state;
        return state === 'ready' || state === 'writing';
      },
      run: askToClear,
    },
  ];
}
