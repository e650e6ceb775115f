import { useEffect, useRef, useState } from 'react';
import { setUi, useUi } from '../../app/ui-store';
import { useRpc } from '../../engine';
import { openPmtilesFile } from '../../map';
import { basemapMenu, pmtilesInput } from './basemap-commands';

/**
 * Choosing the map under the data: the bundled offline map, a PMTiles file from this machine (read in
 * place, nothing uploaded), or a style URL — the one choice that reaches the internet, so the engine
 * must allow it (`map.onlineBasemaps`) and the picker says so.
 */
export function BasemapPicker() {
  const basemap = useUi((s) => s.basemap);
  const open = basemapMenu.use();
  const setOpen = basemapMenu.set;
  const [url, setUrl] = useState(basemap.kind === 'style' ? basemap.url : '');
  const file = useRef<HTMLInputElement>(null);
  const { data: config } = useRpc('config.get', {});
  const online = (config?.config.map as { onlineBasemaps?: boolean } | undefined)?.onlineBasemaps === true;

  useEffect(() => {
    pmtilesInput.set(file.current);
    return () => pmtilesInput.set(null);
  }, []);

  const current = basemap.kind === 'offline' ? 'Offline map' : basemap.kind === 'pmtiles' ? basemap.name : new URL(basemap.url).host;
  return (
    <div className="basemap-picker" data-map-overlay>
      <button aria-expanded={open} aria-label="Basemap" title="Basemap (b)" onClick={() => setOpen(!open)}>
        Map: {current}
      </button>
      <input
        ref={file}
        type="file"
        accept=".pmtiles"
        aria-label="PMTiles file"
        hidden
        onChange={(e) => {
          const f = e.target.files?.[0];
          if (f) setUi({ basemap: { kind: 'pmtiles', name: openPmtilesFile(f) } });
          e.target.value = '';
          setOpen(false);
        }}
      />
      {open && (
        <div role="dialog" aria-label="Basemap" className="basemap-menu">
          <button
            aria-pressed={basemap.kind === 'offline'}
            onClick={() => {
              setUi({ basemap: { kind: 'offline' } });
              setOpen(false);
            }}
          >
            Offline map
            <span className="muted"> · bundled: land, borders, place names</span>
          </button>
          <button aria-pressed={basemap.kind === 'pmtiles'} onClick={() => file.current?.click()}>
            Open PMTiles file…
            <span className="muted"> · read on this machine, nothing uploaded</span>
          </button>
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (!/^https:\/\/\S+$/.test(url.trim())) return;
              setUi({ basemap: { kind: 'style', url: url.trim() } });
              setOpen(false);
            }}
          >
            <label>
              Style URL
              <input
                type="url"
                placeholder="https://…/style.json"
                value={url}
                disabled={!online}
                pattern="https://.+"
                onChange={(e) => setUrl(e.target.value)}
              />
            </label>
            <button type="submit" disabled={!online || !/^https:\/\/\S+$/.test(url.trim())}>
              Use style
            </button>
            <p className="muted">
              {online
                ? 'Online: the map fetches this style and its tiles from the internet.'
                : 'Off: hexwatch fetches nothing from the internet. Set map.onlineBasemaps to allow a style URL.'}
            </p>
          </form>
        </div>
      )}
    </div>
  );
}
