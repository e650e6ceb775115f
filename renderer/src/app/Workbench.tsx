import { useEffect, useState } from 'react';
import { useConnection } from '../engine';
import { BasemapPicker, PlaceLabels } from '../features/basemap';
import { deliveriesCommands, DeliveriesPanel } from '../features/deliveries';
import { FencesMap, FencesPanel } from '../features/fences';
import { HeatmapMap, HeatmapPanel } from '../features/heatmap';
import { NotebooksPanel } from '../features/notebooks';
import { StatusBar } from '../features/status';
import { MapView } from '../map';
import { CommandPalette } from './CommandPalette';
import { commandForKey, registerCommands } from './commands';
import { PANELS, Rail, togglePanel } from './Rail';
import { getUi, setUi, useUi, type PanelId } from './ui-store';

const PANEL_VIEWS: Record<PanelId, () => React.JSX.Element> = {
  heatmap: HeatmapPanel,
  fences: FencesPanel,
  deliveries: DeliveriesPanel,
  notebooks: NotebooksPanel,
};

/** The workstation: the rail of panels on the left, the open panel, the map in the centre, the status bar below. */
export function Workbench() {
  const panel = useUi((s) => s.panel);
  const theme = useUi((s) => s.theme);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const basemap = useUi((s) => s.basemap);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const off = registerCommands([
      { id: 'palette', title: 'Show every command', group: 'Workbench', shortcut: 'Mod+K', run: () => setUi((s) => ({ paletteOpen: !s.paletteOpen })) },
      { id: 'palette.help', title: 'Show every command and its shortcut', group: 'Workbench', shortcut: '?', run: () => setUi({ paletteOpen: true }) },
      {
        id: 'theme',
        title: 'Switch between the dark and the light theme',
        group: 'Workbench',
        shortcut: 't',
        run: () => setUi((s) => ({ theme: s.theme === 'dark' ? 'light' : 'dark' })),
      },
      { id: 'panel.close', title: 'Close the side panel', group: 'Workbench', run: () => setUi({ panel: null }) },
      ...PANELS.map((p) => ({
        id: `panel.${p.id}`,
        title: `Open or close the ${p.title} panel`,
        group: 'Workbench',
        shortcut: p.shortcut,
        run: () => togglePanel(p.id),
      })),
      ...deliveriesCommands(),
    ]);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && getUi().paletteOpen) return setUi({ paletteOpen: false });
      const c = commandForKey(e);
      if (!c) return;
      e.preventDefault();
      c.run();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  const PanelView = panel ? PANEL_VIEWS[panel] : undefined;
  return (
    <div className={`workbench${panel ? ` with-panel panel-${panel}` : ''}`}>
      <Rail />
      {PanelView && (
        <aside className="side">
          <PanelView />
        </aside>
      )}
      <main className="centre">
        <MapView theme={theme} basemap={basemap}>
          <HeatmapMap />
          <FencesMap theme={theme} />
          {basemap.kind !== 'style' && <PlaceLabels theme={theme} />}
          <BasemapPicker />
        </MapView>
        <ConnectionBanner />
      </main>
      <StatusBar />
      {paletteOpen && <CommandPalette />}
    </div>
  );
}

/** Says the engine is out of reach, and when the next try is. */
function ConnectionBanner() {
  const connection = useConnection();
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (connection.state !== 'closed') return;
    const tick = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(tick);
  }, [connection.state]);
  if (connection.state !== 'closed') return null;
  return (
    <div className="banner" role="alert">
      Lost the connection to the engine ({connection.reason}); reconnecting in {Math.max(0, Math.ceil((connection.retryAt - now) / 1000))} s…
    </div>
  );
}
