import type { Command } from '../app/commands';
import { createStore } from '../app/store';
import { toggleLegends } from './legend-dock-state';

/** Whether the Layers list is open over the map: its button, the L key and the palette toggle it. */
export const layersOpen = createStore(false);

/** The map's own commands: the Layers list (every layer drawn, its visibility, opacity, order and legend). */
export function mapCommands(): Command[] {
  return [
    {
      id: 'map.layers',
      title: 'Show the map’s layers: visibility, opacity, order, legends',
      group: 'Map',
      shortcut: 'Shift+L',
      run: () => layersOpen.set(!layersOpen.get()),
    },
    {
      id: 'map.legends',
      title: 'Show or hide the legends',
      group: 'Map',
      shortcut: 'Shift+G',
      run: toggleLegends,
    },
    {
      id: 'map.layers.close',
      title: 'Close the Layers list',
      group: 'Map',
      shortcut: 'Escape',
      enabled: () => layersOpen.get(),
      run: () => layersOpen.set(false),
    },
  ];
}
