import type { Command } from '../../app/commands';
import { createStore } from '../../app/store';
import { setUi } from '../../app/ui-store';

/** Whether the basemap menu is open: its button and the b key toggle it. */
export const basemapMenu = createStore(false);
/** The picker's file input for a PMTiles file, published while the picker is on the map. */
export const pmtilesInput = createStore<HTMLInputElement | null>(null);

/** The basemap's commands: the menu, the offline map, a PMTiles file. */
export function basemapCommands(): Command[] {
  return [
    { id: 'basemap.choose', title: 'Choose the basemap', group: 'Map', shortcut: 'b', run: () => basemapMenu.set(!basemapMenu.get()) },
    { id: 'basemap.offline', title: 'Use the offline basemap', group: 'Map', run: () => setUi({ basemap: { kind: 'offline' } }) },
    { id: 'basemap.pmtiles', title: 'Open a PMTiles file as the basemap…', group: 'Map', run: () => pmtilesInput.get()?.click() },
  ];
}
