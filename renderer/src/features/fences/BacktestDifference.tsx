import type { ResultOf } from '../../../../shared/rpc';
import { formatTime } from '../../ui';
import { DIFFERENCE_COLOURS } from './fence-layers';

type Difference = NonNullable<ResultOf<'fences.backtest'>['difference']>;

const rgb = (c: readonly number[]) => `rgb(${c.slice(0, 3).join(',')})`;
const signed = (n: number) => (n > 0 ? `+${n.toLocaleString()}` : n < 0 ? `−${(-n).toLocaleString()}` : '±0');

/**
 * What the edit changes against the saved fence over the same positions: events gained and lost, each
 * by type, drawn on the map in the legend's two colours and listed here (the first of each, in time order).
 */
export function BacktestDifference({ difference, draftEvents }: { difference: Difference; draftEvents: number }) {
  const { before, gained, lost } = difference;
  const types = [...new Set([...Object.keys(gained.byType), ...Object.keys(lost.byType)])].sort();
  const rows = [
    ...gained.first.slice(0, 50).map((e) => ({ e, change: 'gained' as const })),
    ...lost.first.slice(0, 50).map((e) => ({ e, change: 'lost' as const })),
  ].sort((a, b) => a.e.timestamp - b.e.timestamp);
  return (
    <section role="region" aria-label="Backtest difference" className="backtest-difference">
      <p>
        Against the saved fence ({before.events.toLocaleString()} events): <strong>{signed(draftEvents - before.events)}</strong>
      </p>
      <ul className="by-type" aria-label="Gained and lost">
        {(['gained', 'lost'] as const).map((change) => (
          <li key={change} aria-label={`${change}: ${difference[change].events}`}>
            <span className="dot" style={{ background: rgb(DIFFERENCE_COLOURS[change]) }} /> {change}{' '}
            <strong>{difference[change].events.toLocaleString()}</strong>
          </li>
        ))}
      </ul>
      {gained.events + lost.events === 0 ? (
        <p className="muted">The edit would have fired exactly the same events.</p>
      ) : (
        <>
          <table className="backtest-events" aria-label="Difference by type">
            <thead>
              <tr>
                <th>type</th>
                <th className="num">gained</th>
                <th className="num">lost</th>
              </tr>
            </thead>
            <tbody>
              {types.map((t) => (
                <tr key={t} aria-label={`${t}: +${gained.byType[t] ?? 0} −${lost.byType[t] ?? 0}`}>
                  <td>{t}</td>
                  <td className="num">{(gained.byType[t] ?? 0).toLocaleString()}</td>
                  <td className="num">{(lost.byType[t] ?? 0).toLocaleString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="backtest-events">
            <caption className="muted">
              {rows.length < gained.events + lost.events
                ? `The first ${Math.min(50, gained.first.length)} of ${gained.events.toLocaleString()} gained and ${Math.min(50, lost.first.length)} of ${lost.events.toLocaleString()} lost events`
                : 'Gained and lost events'}
            </caption>
            <thead>
              <tr>
                <th>time</th>
                <th>change</th>
                <th>type</th>
                <th>device</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ e, change }, i) => (
                <tr key={i}>
                  <td>{formatTime(e.timestamp, { day: false, zone: false })}</td>
                  <td>
                    <span className="dot" style={{ background: rgb(DIFFERENCE_COLOURS[change]) }} /> {change}
                  </td>
                  <td>{e.event_type}</td>
                  <td className="mono">{e.device_id}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
