import { useState } from 'react';
import { useEngine, useRpc } from '../../engine';
import { Dialog } from '../../ui';
import { openArchiveNotebook } from '../notebooks';
import { connectionsOpen, finishWelcome, openConnections, welcome } from './connections-store';

/**
 * The welcome on a first start (no settings yet, the source set nowhere): what hexwatch is, and three ways
 * in. Once one is taken (or the welcome closed, which keeps the simulator running) it never shows again on
 * this data dir; the palette brings it back.
 */
export function Welcome() {
  const { open, done } = welcome.use();
  const connections = connectionsOpen.use();
  const { data } = useRpc('connections.get', {}, { enabled: !done });
  const show = open || (!done && data?.firstRun === true && !connections.open);
  return show ? <WelcomeDialog /> : null;
}

function WelcomeDialog() {
  const { client } = useEngine();
  const [archive, setArchive] = useState<string | null>(null);
  return (
    <Dialog title="Welcome to hexwatch" className="welcome" onClose={finishWelcome}>
      <p className="welcome-lede">Watch fleets of moving devices live on a hexagon heatmap, against geofences you draw, with every position kept for SQL.</p>
      <div className="welcome-choices">
        <button type="button" className="welcome-choice" autoFocus onClick={finishWelcome}>
          <strong>Try with the simulator</strong>
          <span>Walkers and ride requests in Manhattan, with hours of demo history and fences already there.</span>
        </button>
        <button
          type="button"
          className="welcome-choice"
          onClick={() => {
            finishWelcome();
            openConnections({ source: 'nats' });
          }}
        >
          <strong>Connect to NATS</strong>
          <span>Read your fleet’s positions from a JetStream stream; test the connection before you save it.</span>
        </button>
        <button type="button" className="welcome-choice" aria-expanded={archive !== null} onClick={() => setArchive((a) => (a === null ? '' : null))}>
          <strong>Open a Parquet archive</strong>
          <span>Query a folder of Parquet files in a notebook, with its date and hour folders as columns.</span>
        </button>
      </div>
      {archive !== null && (
        <form
          className="welcome-archive"
          aria-label="Open a Parquet archive"
          onSubmit={(e) => {
            e.preventDefault();
            if (!archive.trim()) return;
            finishWelcome();
            void openArchiveNotebook(client, archive.trim());
          }}
        >
          <label>
            Archive folder
            <input value={archive} onChange={(e) => setArchive(e.target.value)} placeholder="/data/fleet-archive" spellCheck={false} autoFocus />
          </label>
          <button type="submit" className="primary" disabled={!archive.trim()}>
            Open in a notebook
          </button>
        </form>
      )}
    </Dialog>
  );
}
