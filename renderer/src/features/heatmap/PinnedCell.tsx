import * as Plot from '@observablehq/plot';
import { useRpc } from '../../engine';
import { CellCard, PlotFigure } from '../../ui';
import { usePlaceName } from '../basemap';
import { CellFigures } from './CellFigures';
import type { CellInfo } from './heatmap-controller';

/**
 * A cell pinned by a click: its figures in the frame drawn now (the tooltip's, from the same frame), and its
 * positions per time bucket over the window from the engine, as bars on a time axis.
 */
export function PinnedCell(props: { hex: string; now: CellInfo | undefined; windowS: number; frameResolution: number; smoothing: number }) {
  const { hex, now } = props;
  const { data, error } = useRpc('heatmap.cell', { hex }, { refreshOn: ['status.changed'] });
  const bucketS = data ? data.bucketMs / 1000 : 0;
  const windowS = data ? Math.round((data.positions.length * data.bucketMs) / 1000) : 0;
  const unit = `positions per ${bucketS} s`;
  return (
    <CellCard hex={hex} place={usePlaceName(hex)} label={`Cell ${hex}`}>
      {error && <p role="alert">{error.message}</p>}
      {now ? (
        <div className="cell-now" role="group" aria-label="In the frame on the map">
          <div className="muted">
            H3 resolution {now.resolution} · on the map now{props.smoothing > 0 ? `, totalled over its ${props.smoothing}-ring` : ''}
          </div>
          <CellFigures cell={now} windowS={props.windowS} />
        </div>
      ) : (
        <p className="muted">
          Not in the frame on the map{data ? ` (its cells are H3 resolution ${props.frameResolution}, this one ${data.resolution})` : ''}: zoom to it to read
          its figures.
        </p>
      )}
      {data && (
        <PlotFigure
          className="cell-chart"
          label={`${unit} over the last ${windowS} s`}
          deps={[data]}
          plot={(theme) => ({
            width: 234,
            height: 124,
            marginLeft: 34,
            marginRight: 8,
            marginBottom: 30,
            style: { fontSize: '10px' },
            x: { label: 'seconds before now', domain: [-windowS, 0], ticks: 4 },
            y: { label: unit, grid: true, zero: true, ticks: 3, tickFormat: 's' },
            color: { legend: true, domain: [unit], range: [theme.accent] },
            marks: [
              Plot.rectY(
                data.positions.map((v, i) => ({ x1: i * bucketS - windowS, x2: (i + 1) * bucketS - windowS, v })),
                { x1: 'x1', x2: 'x2', y: 'v', fill: () => unit, inset: 0.5 },
              ),
              Plot.ruleY([0]),
            ],
          })}
        />
      )}
    </CellCard>
  );
}
