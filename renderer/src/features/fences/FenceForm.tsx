import { useEffect, useRef, useState } from 'react';
import { DetectSchema, type FenceGeometry } from '../../../../shared/fence';
import { setUi, useUi, type UiState } from '../../app/ui-store';
import { useMutation, useRpc } from '../../engine';
import { checkDraft, draftOf, fieldOf, setDraft, type Draft } from './fence-draft';
import { BacktestPanel } from './BacktestPanel';
import { fenceFormSubmit } from './fence-commands';
import { FenceHistory } from './FenceHistory';

/** What to do on the map with each drawing tool, before a shape exists. */
const HOW_TO_DRAW: Record<NonNullable<UiState['drawing']>, string> = {
  polygon: 'Draw it on the map: click the corners, then Enter or click the first corner.',
  rectangle: 'Draw it on the map: click one corner, then the opposite corner.',
  circle: 'Draw it on the map: click the centre, move out to the radius you want, and click again.',
  freehand: 'Draw it on the map: click, trace the outline, and click again to close it.',
  select: 'Drag the shape or its corners to change it.',
};

const SHAPE_NAMES: Record<FenceGeometry['type'], string> = { Polygon: 'polygon', MultiPolygon: 'multipolygon', Rectangle: 'rectangle', Circle: 'circle' };

/**
 * The draft's form beside the drawing: name, what it detects, where its events go, enabled. Checked as
 * you draw and type by the engine's own rules; the engine's answer to Save (a refusal, a conflicting
 * edit) is shown at the field it names.
 */
export function FenceForm({ draft }: { draft: Draft }) {
  const tool = useUi((s) => s.drawing);
  const { data: targets } = useRpc('deliveries.targets', {});
  const { data: fences } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  // Someone (another window, an import, the CLI) saved this fence since it was opened.
  const latest = draft.id !== undefined ? fences?.find((f) => f.id === draft.id) : undefined;
  const conflict = latest && draft.openedVersion !== undefined && latest.version !== draft.openedVersion ? latest : undefined;
  const save = useMutation('fences.save');
  const [refused, setRefused] = useState<Record<string, string>>({});
  const [tried, setTried] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  // Mod+S (fences.save) submits this form while it is shown.
  useEffect(() => {
    fenceFormSubmit.set(() => form.current?.requestSubmit());
    return () => fenceFormSubmit.set(null);
  }, []);
  const { fence, problems } = checkDraft(draft);
  // A name is asked for once Save is pressed, not while the analyst is still drawing.
  const { name: nameProblem, ...live } = problems;
  const shown: Record<string, string> = { ...live, ...(tried && nameProblem ? { name: nameProblem } : {}), ...refused };
  const edit = (patch: Partial<Draft>) => {
    setRefused({});
    setDraft(() => patch);
  };
  const submit = async () => {
    setTried(true);
    if (Object.keys(problems).length) return;
    try {
      const saved = await save.run({ fence, ...(draft.id ? { expectedVersion: draft.openedVersion } : {}) });
      setDraft(null);
      setUi({ drawing: null, selection: { kind: 'fence', id: saved.id } });
    } catch (err) {
      const e = err as { message: string; issues?: { path: string; message: string }[] };
      const byField: Record<string, string> = {};
      for (const i of e.issues ?? []) byField[fieldOf(i.path)] ??= i.message;
      setRefused(Object.keys(byField).length ? byField : { form: e.message });
    }
  };
  const circle = draft.geometry?.type === 'Circle' ? draft.geometry : undefined;
  const polygon = draft.geometry?.type === 'Polygon' ? draft.geometry : undefined;
  return (
    <form
      ref={form}
      className="fence-form"
      aria-label={draft.id ? `Edit fence ${draft.name}` : 'New fence'}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      {conflict && (
        <div className="conflict" role="alert" aria-label="Edited elsewhere">
          <p>
            “{conflict.name}” was saved elsewhere since you opened it: it is at version {conflict.version}, you opened version {draft.openedVersion}. Saving
            yours is refused until you choose.
          </p>
          <div className="actions">
            <button type="button" onClick={() => setDraft({ ...draftOf(conflict), reload: (draft.reload ?? 0) + 1 })}>
              Load version {conflict.version}
            </button>
            <button type="button" onClick={() => edit({ openedVersion: conflict.version })}>
              Keep my edit
            </button>
          </div>
        </div>
      )}
      <label className="stack">
        Fence name
        <input value={draft.name} onChange={(e) => edit({ name: e.target.value })} aria-invalid={Boolean(shown.name)} autoFocus={!draft.id} />
      </label>
      {shown.name && <p className="field-error">{shown.name}</p>}
      <p className="muted">
        {draft.geometry
          ? `${SHAPE_NAMES[draft.geometry.type]}${circle ? '' : draft.geometry.type === 'Polygon' ? ` · ${draft.geometry.coordinates[0]!.length - 1} corners` : ''}`
          : HOW_TO_DRAW[tool ?? 'polygon']}
      </p>
      {draft.origin && <p className="muted fence-origin">Made from {draft.origin}</p>}
      {polygon && (
        <div className="actions">
          <button
            type="button"
            aria-pressed={draft.holeNext === true}
            onClick={() => {
              edit({ holeNext: true });
              setUi({ drawing: 'polygon' });
            }}
          >
            Draw hole
          </button>
          {polygon.coordinates.length > 1 && (
            <button type="button" onClick={() => edit({ geometry: { ...polygon, coordinates: polygon.coordinates.slice(0, 1) } })}>
              Remove holes ({polygon.coordinates.length - 1})
            </button>
          )}
        </div>
      )}
      {circle && (
        <label className="field">
          Radius (m)
          <input
            type="number"
            min={1}
            step={1}
            value={Math.round(circle.radius_m)}
            onChange={(e) => {
              const radius = Number(e.target.value);
              if (radius > 0) edit({ geometry: { ...circle, radius_m: radius }, reload: (draft.reload ?? 0) + 1 });
            }}
          />
        </label>
      )}
      {shown.geometry && draft.geometry && (
        <p className="field-error" role="alert">
          {shown.geometry}
        </p>
      )}
      <fieldset>
        <legend>Detect</legend>
        {DetectSchema.options.map((d) => (
          <label key={d} className="check">
            <input
              type="checkbox"
              checked={draft.detect.includes(d)}
              onChange={(e) => edit({ detect: e.target.checked ? [...draft.detect, d] : draft.detect.filter((x) => x !== d) })}
            />
            {d}
          </label>
        ))}
      </fieldset>
      {shown.detect && <p className="field-error">{shown.detect}</p>}
      {draft.detect.includes('dwell') && (
        <label className="field">
          Dwell (s)
          <input type="number" min={1} value={draft.dwell_s ?? ''} onChange={(e) => edit({ dwell_s: e.target.value ? Number(e.target.value) : undefined })} />
        </label>
      )}
      {shown.dwell_s && <p className="field-error">{shown.dwell_s}</p>}
      <fieldset>
        <legend>Deliver to</legend>
        {(targets ?? [])
          .filter((t) => t.kind !== 'feed')
          .map((t) => (
            <label key={t.id} className="check">
              <input
                type="checkbox"
                checked={draft.targets.includes(t.id)}
                onChange={(e) => edit({ targets: e.target.checked ? [...draft.targets, t.id] : draft.targets.filter((x) => x !== t.id) })}
              />
              {t.id}
            </label>
          ))}
        {(targets ?? []).filter((t) => t.kind !== 'feed').length === 0 && <span className="muted">No delivery targets yet: events reach the live feed.</span>}
      </fieldset>
      <label className="check">
        <input type="checkbox" checked={draft.enabled} onChange={(e) => edit({ enabled: e.target.checked })} />
        Enabled
      </label>
      {shown.form && (
        <p className="field-error" role="alert">
          {shown.form}
        </p>
      )}
      <BacktestPanel draft={draft} />
      {draft.id && <FenceHistory draft={draft} />}
      <div className="actions">
        <button type="submit" disabled={save.pending}>
          Save fence
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(null);
            setUi({ drawing: null });
          }}
        >
          Cancel
        </button>
      </div>
    </form>
  );
}
