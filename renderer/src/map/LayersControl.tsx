import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { registerCommands, shortcutLabel } from '../app/commands';
import { LegendView } from './LegendView';
import type { LayerComposer } from './layer-composer';
import { layersOpen } from './map-commands';

/**
 * The Layers control on the map's edge: every layer drawn, top first, each with a checkbox named after it,
 * its opacity, its place in the order (dragged, or moved with Move up / Move down), its legend, and for a
 * notebook result its colours and Remove. The basemap stays at the bottom.
 */
export function LayersControl({ composer }: { composer: LayerComposer }) {
  const open = layersOpen.use();
  const rows = useSyncExternalStore(composer.subscribe, composer.rows);
  const [dragged, setDragged] = useState<string>();
  const movable = rows.filter((r) => r.kind !== 'basemap');
  const panel = useRef<HTMLElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  // Opened (by its key too), the list takes the focus; closed with the focus in it, the focus goes back to its button rather than the page.
  // Each listed layer shown or hidden from the palette too ("Layers: Hide Live heatmap"), named as it is now.
  const toggles = rows.map((r) => `${r.id}\u0000${r.name}\u0000${r.visible}`).join('\u0001');
  useEffect(
    () =>
      registerCommands(
        composer.rows().map((r) => ({
          id: `map.layer.${r.id}`,
          title: `${r.visible ? 'Hide' : 'Show'} ${r.name}`,
          group: 'Layers',
          run: () => composer.setVisible(r.id, !composer.setting(r.id).visible),
        })),
      ),
    [composer, toggles],
  );
  const wasOpen = useRef(open);
  useEffect(() => {
    if (open) panel.current?.querySelector('input')?.focus();
    else if (wasOpen.current && document.activeElement === document.body) button.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <div className="layers-control" data-map-overlay>
      <button
        ref={button}
        className="layers-button"
        aria-expanded={open}
        aria-controls="map-layers"
        title={`Layers (${shortcutLabel('Shift+L')})`}
        onClick={() => layersOpen.set(!open)}
      >
        <span aria-hidden="true">☰</span> Layers
      </button>
      {open && (
        <section ref={panel} id="map-layers" className="layers-panel" role="dialog" aria-label="Layers">
          <header>
            <h2>Layers</h2>
            <span className="muted">top drawn over the rest</span>
            <button aria-label="Close the Layers list" title="Close (Esc)" onClick={() => layersOpen.set(false)}>
              ×
            </button>
          </header>
          <ul aria-label="Map layers">
            {rows.map((r) => {
              const at = movable.indexOf(r);
              return (
                <li
                  key={r.id}
                  aria-label={r.name}
                  className={`layer-row${dragged === r.id ? ' dragging' : ''}`}
                  data-hidden={!r.visible || undefined}
                  onDragOver={(e) => {
                    if (dragged && r.kind !== 'basemap') e.preventDefault();
                  }}
                  onDrop={(e) => {
                    e.preventDefault();
                    const from = movable.findIndex((m) => m.id === dragged);
                    if (dragged && from >= 0 && at >= 0) composer.move(dragged, from - at);
                    setDragged(undefined);
                  }}
                >
                  <div className="layer-head">
                    {r.kind === 'basemap' ? (
                      <span className="layer-grip" aria-hidden="true" />
                    ) : (
                      <span
                        className="layer-grip"
                        draggable
                        title="Drag to reorder"
                        aria-hidden="true"
                        onDragStart={(e) => {
                          e.dataTransfer.setData('text/plain', r.id);
                          e.dataTransfer.effectAllowed = 'move';
                          setDragged(r.id);
                        }}
                        onDragEnd={() => setDragged(undefined)}
                      >
                        ⠿
                      </span>
                    )}
                    <label className="layer-name">
                      <input type="checkbox" checked={r.visible} onChange={(e) => composer.setVisible(r.id, e.target.checked)} />
                      <span>{r.name}</span>
                    </label>
                    {r.kind !== 'basemap' && (
                      <span className="layer-moves">
                        <button
                          aria-label={`Move ${r.name} up`}
                          title="Move up: drawn over the layer above"
                          disabled={at <= 0}
                          onClick={() => composer.move(r.id, 1)}
                        >
                          ▲
                        </button>
                        <button
                          aria-label={`Move ${r.name} down`}
                          title="Move down: drawn under the layer below"
                          disabled={at < 0 || at >= movable.length - 1}
                          onClick={() => composer.move(r.id, -1)}
                        >
                          ▼
                        </button>
                      </span>
                    )}
                  </div>
                  <div className="layer-settings">
                    <input
                      type="range"
                      min={0}
                      max={100}
                      step={5}
                      value={Math.round(r.opacity * 100)}
                      aria-label={`${r.name} opacity`}
                      aria-valuetext={`${Math.round(r.opacity * 100)} %`}
                      onChange={(e) => composer.setOpacity(r.id, Number(e.target.value) / 100)}
                    />
                    <output className="muted">{Math.round(r.opacity * 100)} %</output>
                  </div>
                  {(r.palette || r.remove) && (
                    <div className="layer-settings">
                      {r.palette && (
                        <select aria-label={`${r.name} colours`} value={r.palette.value} onChange={(e) => r.palette!.choose(e.target.value)}>
                          {r.palette.options.map((o) => (
                            <option key={o.id} value={o.id}>
                              {o.label}
                            </option>
                          ))}
                        </select>
                      )}
                      {r.remove && (
                        <button className="layer-remove" title={`Take ${r.name} off the map`} onClick={r.remove}>
                          Remove
                        </button>
                      )}
                    </div>
                  )}
                  {r.legend && (
                    <div className="layer-legend">
                      <LegendView spec={r.legend} compact />
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </div>
  );
}
