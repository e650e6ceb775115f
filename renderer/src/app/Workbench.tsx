import { useEffect, useState } from 'react';
import { useConnection, useEngine } from '../engine';
import { basemapCommands, BasemapPicker, PlaceLabels } from '../features/basemap';
import { Connections, connectionsCommands, Welcome } from '../features/connections';
import { deliveriesCommands, DeliveriesPanel } from '../features/deliveries';
import { demoCommands } from '../features/demo';
import { fencesCommands, FencesMap, FencesPanel } from '../features/fences';
import { FleetPanel } from '../features/fleet';
import { heatmapCommands, HeatmapMap, HeatmapPanel } from '../features/heatmap';
import { notebooksCommands, NotebooksPanel } from '../features/notebooks';
import { playbackCommands } from '../features/playback';
import { StatusBar } from '../features/status';
import { mapCommands, MapView } from '../map';
import { CommandPalette } from './CommandPalette';
import { commandForKey, registerCommands, type Command } from './commands';
import { HelpDialogs } from './HelpDialogs';
import { Rail } from './Rail';
import { SidePanel, useSideColumns } from './SidePanel';
import { getUi, setUi, useUi, type PanelId } from './ui-store';
import { workbenchCommands } from './workbench-commands';

const PANEL_VIEWS: Record<PanelId, () => React.JSX.Element> = {
  heatmap: HeatmapPanel,
  fences: FencesPanel,
  deliveries: DeliveriesPanel,
  notebooks: NotebooksPanel,
  fleet: FleetPanel,
};

/**
 * Every command, whatever is mounted (each says when it applies). A shared key goes to the latest that applies:
 * Escape is the drawing's, then playback's, then the heatmap's (unpin).
 */
const allCommands = (): Command[] => [
  ...workbenchCommands(),
  ...heatmapCommands(),
  ...playbackCommands(),
  ...fencesCommands(),
  ...basemapCommands(),
  ...notebooksCommands(),
  ...deliveriesCommands(),
  ...demoCommands(),
  ...connectionsCommands(),
  // Last: its Escape (close the Layers list) comes before the heatmap's (unpin) while the list is open.
  ...mapCommands(),
];

/** The workstation: the rail of panels on the left, the open panel, the map in the centre, the status bar below. */
export function Workbench() {
  const panel = useUi((s) => s.panel);
  const theme = useUi((s) => s.theme);
  const paletteOpen = useUi((s) => s.paletteOpen);
  const basemap = useUi((s) => s.basemap);
  const { client } = useEngine();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const off = registerCommands(allCommands());
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && getUi().paletteOpen) return setUi({ paletteOpen: false });
      const c = commandForKey(e);
      if (!c) return;
      e.preventDefault();
      c.run({ client });
    };
    window.addEventListener('keydown', onKey);
    return () => {
      off();
      window.removeEventListener('keydown', onKey);
    };
  }, [client]);

  const PanelView = panel ? PANEL_VIEWS[panel] : undefined;
  const side = useSideColumns(panel);
  return (
    <div className={`workbench${panel ? ` with-panel panel-${panel}` : ''}${side.whole ? ' whole' : ''}`} style={side.style}>
      <Rail />
      {PanelView && (
        <SidePanel panel={panel!} whole={side.whole}>
          <PanelView />
        </SidePanel>
      )}
      <main className="centre" aria-hidden={side.whole || undefined}>
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
      <HelpDialogs />
      <Connections />
      <Welcome />
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
      <strong>The engine stopped or restarted</strong> (connection lost: {connection.reason}). Start hexwatch again; if it restarted, open the address it
      printed — it changes with each start in web mode. Trying this address again in {Math.max(0, Math.ceil((connection.retryAt - now) / 1000))} s…
    </div>
  );
}
