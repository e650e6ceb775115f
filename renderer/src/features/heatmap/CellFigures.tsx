import type { CellInfo } from './heatmap-controller';

/** A live cell's figures in the frame drawn now: the tooltip's and the pinned card's, word for word. */
export function CellFigures({ cell, windowS }: { cell: CellInfo; windowS: number }) {
  return (
    <>
      <div>{cell.devices.toLocaleString()} unique devices</div>
      <div>
        {cell.positions.toLocaleString()} positions in {windowS} s
      </div>
      {cell.devices > 0 && <div>{(cell.positions / cell.devices).toFixed(1)} positions per device</div>}
    </>
  );
}
