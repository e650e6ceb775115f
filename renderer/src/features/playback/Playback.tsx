import { useEffect, useRef } from 'react';
import { resolutionForScreen } from '../../../../shared/zoom';
import { getUi, setUi, useUi } from '../../app/ui-store';
import { useJob, useRpc } from '../../engine';
import { useMapHandle } from '../../map';
import { formatTime } from '../../ui';
import { playbackChoices, type PlaybackChoices } from './playback-choices';
import { advance, SPEEDS, step, WINDOWS_MIN } from './playback-clock';

const when = (t: number) => formatTime(t);
/** An end of the slider's range, in the zone the moment is shown in: the time of day, with the day when the range spans days. */
const end = (t: number, range: { from: number; to: number }) => {
  const sameDay = formatTime(range.from, { seconds: false }).slice(0, 6) === formatTime(range.to, { seconds: false }).slice(0, 6);
  return formatTime(t, { seconds: false, zone: false, day: !sameDay });
};

/**
 * The archive played back on the heatmap: a time bar (the `Time` slider, play/pause at 1×–3600×, step,
 * window or cumulative), each frame asked of the notebook thread for the view and drawn as live frames
 * are. Esc or "Back to live" returns to the live window.
 */
export function Playback({ onFrame }: { onFrame: (buffer: ArrayBuffer) => void }) {
  const { map } = useMapHandle();
  const playback = useUi((s) => s.playback);
  const { data: range, error, refresh } = useRpc('playback.range', {});
  const frames = useJob('playback.frame');
  const inflight = useRef(false);
  const again = useRef(false);

  // Frames for t and the view, one job at a time, the latest asked for when it ends: were a newer one to
  // cancel the older, playing would draw nothing whenever a frame takes longer than a step.
  useEffect(() => {
    if (!playback) return;
    const request = () => {
      const s = getUi().playback;
      if (!s) return;
      if (inflight.current) return void (again.current = true);
      inflight.current = true;
      const b = map.getBounds();
      void frames
        .start({
          t: s.t,
          windowMs: s.windowMs,
          cumulative: s.cumulative,
          resolution: resolutionForScreen(map.getZoom(), map.getCenter().lat, 15, getUi().detail),
          bounds: {
            west: Math.max(-180, b.getWest()),
            south: Math.max(-90, b.getSouth()),
            east: Math.min(180, b.getEast()),
            north: Math.min(90, b.getNorth()),
          },
        })
        .then((ended) => {
          if (ended.status === 'done' && getUi().playback) onFrame(ended.result);
        })
        .finally(() => {
          inflight.current = false;
          if (again.current) {
            again.current = false;
            request();
          }
        });
    };
    request();
    map.on('moveend', request);
    return () => void map.off('moveend', request);
  }, [playback?.t, playback?.windowMs, playback?.cumulative, playback === null, map, frames.start]);

  // The archive grows while the workstation runs: its range is read again each time playback starts.
  useEffect(() => {
    if (playback) refresh();
  }, [playback === null]);

  // Back to live (or gone): the frame still out is not wanted.
  useEffect(() => {
    if (!playback) return;
    return () => void frames.cancel();
  }, [playback === null, frames.cancel]);

  // Playing: t runs with the wall clock at the chosen speed.
  useEffect(() => {
    if (!playback?.playing || !range) return;
    let last = performance.now();
    let raf = 0;
    const tick = (now: number) => {
      const s = getUi().playback;
      if (!s?.playing) return;
      // Frames are asked at most every 100 ms: t moves in steps the engine can answer.
      if (now - last >= 100) {
        setUi({ playback: advance(s, now - last, range) });
        last = now;
      }
      raf = requestAnimationFrame(tick);
    };
    raf = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(raf);
  }, [playback?.playing, range]);

  if (!playback) return null;
  // Nothing to play back (or not yet known): a small note where the time bar goes, never a box over the map.
  if (!range)
    return (
      <div className="playback-note" data-map-overlay role="status" aria-label="Playback">
        <span>
          {error
            ? `Cannot play back: ${error.message}`
            : range === null
              ? 'Nothing to play back yet: the archive is empty. Positions are archived as they arrive.'
              : 'Reading the archive’s time range…'}
        </span>
        <button onClick={() => setUi({ playback: null })}>Back to live</button>
      </div>
    );
  const set = (patch: Partial<typeof playback>) => setUi({ playback: { ...playback, ...patch } });
  // Speed and window are the analyst's choices: the next playback starts with them.
  const choose = (patch: Partial<PlaybackChoices>) => {
    playbackChoices.set({ ...playbackChoices.get(), ...patch });
    set(patch);
  };
  return (
    <div className="playback" data-map-overlay role="group" aria-label="Time playback">
      <button aria-label="Step back" onClick={() => setUi({ playback: step(playback, -1, range) })}>
        ◀
      </button>
      <button className="primary" onClick={() => set({ playing: !playback.playing, t: playback.t >= range.to ? range.from : playback.t })}>
        {playback.playing ? 'Pause' : 'Play'}
      </button>
      <button aria-label="Step forward" onClick={() => setUi({ playback: step(playback, 1, range) })}>
        ▶
      </button>
      <div className="playback-scrub">
        <input
          type="range"
          aria-label="Time"
          aria-valuetext={when(playback.t)}
          min={range.from}
          max={range.to}
          step={1000}
          value={playback.t}
          onChange={(e) => set({ t: Number(e.target.value), playing: false })}
        />
        <div className="playback-ends">
          <span title={`The archive starts at ${when(range.from)}`}>{end(range.from, range)}</span>
          <span className="mono playback-time">{when(playback.t)}</span>
          <span title={`The archive ends at ${when(range.to)}`}>{end(range.to, range)}</span>
        </div>
      </div>
      <select
        aria-label="Window"
        value={playback.cumulative ? 'all' : String(playback.windowMs / 60_000)}
        onChange={(e) => (e.target.value === 'all' ? choose({ cumulative: true }) : choose({ cumulative: false, windowMs: Number(e.target.value) * 60_000 }))}
      >
        {WINDOWS_MIN.map((m) => (
          <option key={m} value={m}>
            last {m < 60 ? `${m} min` : `${m / 60} h`}
          </option>
        ))}
        <option value="all">cumulative</option>
      </select>
      <select aria-label="Speed" value={playback.speed} onChange={(e) => choose({ speed: Number(e.target.value) })}>
        {SPEEDS.map((s) => (
          <option key={s} value={s}>
            {s}×
          </option>
        ))}
      </select>
      <button className="playback-live" onClick={() => setUi({ playback: null })}>
        Back to live
      </button>
    </div>
  );
}
