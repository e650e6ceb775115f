import * as Plot from '@observablehq/plot';
import { useRpc } from '../../engine';
import { CellCard, PlotFigure } from '../../ui';
import { usePlaceName } from '../basemap';

/** A market cell picked on the map or in the list: supply, demand and surge now and per kind, and the hour behind them. */
export function MarketCellCard({ hex }: { hex: string }) {
  const { data, error } = useRpc('market.cell', { hex }, { refreshOn: ['status.changed'] });
  const kinds = Object.entries(data?.now.kinds ?? {});
  return (
    <CellCard hex={hex} place={usePlaceName(hex)} label={`Market cell ${hex}`}>
      {error && <p role="alert">{error.message}</p>}
      {data && (
        <>
          <div className="surge-now">
            surge <b>×{data.now.surge.toFixed(2)}</b> · supply {data.now.supply.toLocaleString()} · demand {data.now.demand.toLocaleString()}
          </div>
          <div className="muted">
            H3 resolution {data.resolution} · supply per demand {data.now.ratio.toFixed(2)}
          </div>
          {kinds.length > 0 && (
            <table className="market-kinds" aria-label="Per kind">
              <tbody>
                {kinds.map(([kind, k]) => (
                  <tr key={kind}>
                    <th>{kind}</th>
                    <td className="num">×{k.surge.toFixed(2)}</td>
                    <td className="num">{k.supply} supply</td>
                    <td className="num">{k.demand} demand</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.history.length > 1 ? (
            <PlotFigure
              className="market-history"
              label={`supply and demand in ${hex} over the last hour`}
              deps={[data, hex]}
              plot={() => ({
                width: 236,
                height: 118,
                marginLeft: 34,
                marginBottom: 28,
                style: { fontSize: '10px' },
                x: { type: 'time', label: 'time', ticks: 3, tickFormat: '%H:%M' },
                y: { label: 'devices · requests', grid: true, zero: true, ticks: 3, tickFormat: 's' },
                color: { legend: true, domain: ['supply', 'demand'], range: ['#2166ac', '#d6604d'] },
                marks: [
                  Plot.lineY(
                    data.history.flatMap((p) => [
                      { t: new Date(p.at), v: p.supply, s: 'supply' },
                      { t: new Date(p.at), v: p.demand, s: 'demand' },
                    ]),
                    { x: 't', y: 'v', stroke: 's', strokeWidth: 1.5 },
                  ),
                ],
              })}
            />
          ) : (
            <p className="muted">The last hour fills in a point a minute.</p>
          )}
        </>
      )}
    </CellCard>
  );
}
