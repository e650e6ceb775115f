import { useRpc } from '../../engine';
import { CellCard } from '../../ui';

/** A cell pinned by a click: its figures, and its positions over the window as a sparkline. */
export function PinnedCell({ hex }: { hex: string }) {
  const { data, error } = useRpc('heatmap.cell', { hex }, { refreshOn: ['status.changed'] });
  const series = data?.positions ?? [];
  const max = Math.max(1, ...series);
  const w = 220;
  const h = 44;
  const points = series.map((v, i) => `${((i / Math.max(1, series.length - 1)) * w).toFixed(1)},${(h - (v / max) * (h - 4) - 2).toFixed(1)}`).join(' ');
  const total = series.reduce((a, b) => a + b, 0);
  const windowS = data ? Math.round((series.length * data.bucketMs) / 1000) : 0;
  return (
    <CellCard hex={hex} label={`Cell ${hex}`}>
      {error && <p role="alert">{error.message}</p>}
      {data && (
        <>
          <div className="muted">
            H3 resolution {data.resolution} · {data.devices.toLocaleString()} devices now · {total.toLocaleString()} positions in {windowS} s
          </div>
          <svg width={w} height={h} role="img" aria-label={`positions per ${data.bucketMs / 1000} s over the last ${windowS} s`} className="sparkline">
            <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
          </svg>
        </>
      )}
    </CellCard>
  );
}
