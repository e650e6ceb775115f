import { useEffect, useState } from 'react';
import type { ResultColumn } from '../../../../shared/rpc';
import { useEngine } from '../../engine';
import { cellText } from './cell-text';
import { onPage, pageOf } from './result-pages';

const ROW_PX = 24;
const VISIBLE = 12;
/** Column widths by what they hold: the header and every row share them, so columns line up as the grid scrolls. */
const WIDTH_PX: Record<ResultColumn['kind'], number> = { bool: 70, int32: 100, int64: 130, uint64: 170, float: 120, time: 200, text: 180 };

/**
 * A result as a grid: the rows on screen are in the page (and in the accessibility tree as rows and
 * grid cells), fetched as Arrow pages when scrolled to; each column says its DuckDB type.
 */
export function ResultGrid({ cellId, columns, rows }: { cellId: string; columns: ResultColumn[]; rows: number }) {
  const { client } = useEngine();
  const [scroll, setScroll] = useState(0);
  const [, setVersion] = useState(0);
  useEffect(() => onPage(() => setVersion((v) => v + 1)), []);
  const first = Math.floor(scroll / ROW_PX);
  const template = columns.map((c) => `${WIDTH_PX[c.kind]}px`).join(' ');
  const width = columns.reduce((w, c) => w + WIDTH_PX[c.kind], 0);
  const shown: number[] = [];
  for (let r = first; r < Math.min(rows, first + VISIBLE + 2); r++) shown.push(r);
  return (
    <div className="result-grid" role="grid" aria-label="Result" aria-rowcount={rows + 1} aria-colcount={columns.length}>
      <div className="grid-scroll" style={{ maxHeight: ROW_PX * (VISIBLE + 1) + 2 }} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        <div role="row" aria-rowindex={1} className="grid-row grid-head" style={{ gridTemplateColumns: template, width }}>
          {columns.map((c) => (
            <span role="columnheader" key={c.name} title={c.type}>
              {c.name}
              <small>{c.type.toLowerCase()}</small>
            </span>
          ))}
        </div>
        <div style={{ height: rows * ROW_PX, width, position: 'relative' }}>
          {shown.map((r) => {
            const page = pageOf(client, cellId, r);
            return (
              <div role="row" aria-rowindex={r + 2} key={r} className="grid-row" style={{ top: r * ROW_PX, gridTemplateColumns: template, width }}>
                {columns.map((c, i) => {
                  const v = page ? page.table.getChildAt(i)?.get(r - page.offset) : undefined;
                  return (
                    <span role="gridcell" key={c.name} className={c.kind === 'text' || c.kind === 'time' ? undefined : 'num'}>
                      {page ? cellText(c.kind, v) : '…'}
                    </span>
                  );
                })}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
