import { useState } from 'react';
import type { ResultOf } from '../../../../shared/rpc';
import { setUi, useUi } from '../../app/ui-store';
import { useRpc } from '../../engine';
import { useMapBeside } from '../../map';
import { usePlaceNames } from '../basemap';

const REFRESH = { refreshOn: ['status.changed', 'market.changed'] as const };

/**
 * The market in the Heatmap panel: how its processing goes (events, latency, errors, backlog), and the surging cells,
 * most first; one picked goes on the map and into the cell card.
 */
export function MarketSection() {
  const { data: metrics, error } = useRpc('market.metrics', {}, REFRESH);
  const { data: top } = useRpc('market.cells', { limit: 8 }, REFRESH);
  const selected = useUi((s) => (s.selection?.kind === 'cell' ? s.selection.hex : undefined));
  const handle = useMapBeside();
  const playingBack = useUi((s) => s.playback !== null);
  // The list holds its order under the pointer (the values still change), so a row can be read and picked.
  const [held, setHeld] = useState<readonly MarketCell[]>();
  const rows = held && top ? heldRows(held, top.cells) : (top?.cells ?? []);
  const places = usePlaceNames(rows);
  if (error) return <p className="muted">{error.message}</p>;
  if (!metrics || !top) return null;
  const threshold = top.threshold;
  return (
    <section className="market" aria-label="Market">
      <h3>Market</h3>
      {playingBack && (
        <p className="market-live" role="note">
          Live now: these figures are not the played-back moment on the map.
        </p>
      )}
      <dl className="figures">
        {/* The source in the label, so the values' column stays as narrow as a figure and the labels do not wrap. */}
        <dt>{metrics.demand_state === 'simulated' ? 'Demand' : 'Demand stream'}</dt>
        <dd title={metrics.demand_detail}>{metrics.demand_state}</dd>
        <dt>Cells with supply or demand</dt>
        <dd>{metrics.cells.toLocaleString()}</dd>
        <dt>Surging (≥ ×{threshold})</dt>
        <dd>{metrics.surging.toLocaleString()}</dd>
        <dt>Events per second</dt>
        <dd>{metrics.events_per_second.toLocaleString()}</dd>
        <dt>Events processed</dt>
        <dd>{metrics.events_processed.toLocaleString()}</dd>
        <dt>Request to count</dt>
        <dd>{metrics.average_latency_ms.toLocaleString()} ms</dd>
        <dt>Error rate</dt>
        <dd>{(metrics.error_rate * 100).toFixed(2)} %</dd>
        <dt>Consumer backlog</dt>
        <dd>{metrics.queue_depth.toLocaleString()}</dd>
        <dt>Memory</dt>
        <dd>{metrics.memory_usage_mb.toLocaleString()} MB</dd>
        <dt>CPU</dt>
        <dd>{metrics.cpu_usage_percent} %</dd>
      </dl>
      {top.cells.length === 0 ? (
        <p className="muted">No supply or demand yet: requests come from the DEMAND stream (or the simulator), supply from positions.</p>
      ) : (
        <table className="market-top" aria-label="Surging cells" onPointerEnter={() => setHeld(top.cells)} onPointerLeave={() => setHeld(undefined)}>
          <thead>
            <tr>
              <th>Cell</th>
              <th className="num">Surge</th>
              <th className="num">Supply</th>
              <th className="num">Demand</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c, i) => (
              <tr key={c.hex} aria-selected={selected === c.hex} className={c.surge >= threshold ? 'surging' : undefined}>
                <td>
                  <button
                    className="link mono"
                    aria-label={`Show cell ${c.hex}`}
                    onClick={() => {
                      setUi((s) => ({
                        selection: { kind: 'cell', hex: c.hex },
                        metric: s.metric === 'supply' || s.metric === 'demand' || s.metric === 'ratio' ? s.metric : 'surge',
                      }));
                      handle?.map.easeTo({ center: [c.lon, c.lat], zoom: Math.max(handle.map.getZoom(), 12), duration: 600 });
                    }}
                  >
                    {c.hex}
                  </button>
                  {places[i] && <span className="market-place muted">near {places[i]}</span>}
                </td>
                <td className="num">×{c.surge.toFixed(2)}</td>
                <td className="num">{c.supply.toLocaleString()}</td>
                <td className="num">{c.demand.toLocaleString()}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

type MarketCell = ResultOf<'market.cells'>['cells'][number];

/** The rows in the order they had when the pointer came in, with today's figures (a cell gone from the top keeps its last). */
function heldRows(held: readonly MarketCell[], cells: readonly MarketCell[]): readonly MarketCell[] {
  const now = new Map(cells.map((c) => [c.hex, c]));
  return held.map((c) => now.get(c.hex) ?? c);
}
