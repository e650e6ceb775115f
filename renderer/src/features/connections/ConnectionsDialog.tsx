import { useEffect, useRef, useState } from 'react';
import type { ResultOf } from '../../../../shared/rpc';
import { useMutation, useRpc } from '../../engine';
import { Dialog } from '../../ui';
import { formOf, readForm, refusalOf, type ConnectionForm, type FieldErrors } from './connection-form';
import { pinOf, type FormBinding } from './ConnectionFields';
import { closeConnections, connectionsOpen } from './connections-store';
import { NatsSection } from './NatsSection';
import { DemandSection, Tile38Section } from './Tile38Section';
import { S3Section } from './S3Section';

type Current = ResultOf<'connections.get'>;
type Outcome = { state: 'idle' } | { state: 'saved'; text: string; note?: string } | { state: 'refused'; text: string };

/** The Connections dialog when it is open. */
export function Connections() {
  const open = connectionsOpen.use();
  return open.open ? <ConnectionsDialog preset={open.source} /> : null;
}

/**
 * Where positions come from (the simulator or NATS), the NATS servers and how hexwatch signs in, Tile38,
 * the market's demand stream, object storage (S3): each tested before it is saved, then saved and connected without a restart.
 * Secrets are typed here and never shown back; where each comes from now is said beside it.
 */
function ConnectionsDialog({ preset }: { preset?: 'nats' }) {
  const { data: current, error: loadError } = useRpc('connections.get', {});
  const save = useMutation('connections.save');
  const [form, setForm] = useState<ConnectionForm>();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [outcome, setOutcome] = useState<Outcome>({ state: 'idle' });
  const body = useRef<HTMLFormElement>(null);
  // The form starts from what runs now (and from what was saved, after a save).
  const loaded = useRef<Current>(undefined);
  const [baseline, setBaseline] = useState<ConnectionForm>();
  useEffect(() => {
    if (!current || loaded.current === current) return;
    const first = !loaded.current;
    loaded.current = current;
    if (!first && outcome.state !== 'saved') return;
    const start = { ...formOf(current), ...(first && preset ? { source: preset } : {}) };
    setForm(start);
    setBaseline(start);
  }, [current, preset, outcome.state]);
  // Close (or Escape) with fields typed and not saved asks first: a stray Escape must not throw a password away.
  const [asking, setAsking] = useState(false);
  // Being saved, or saved, is not unsaved.
  const unsaved = !save.pending && outcome.state !== 'saved' && !!form && !!baseline && JSON.stringify(form) !== JSON.stringify(baseline);
  const close = () => (asking ? setAsking(false) : unsaved ? setAsking(true) : closeConnections());

  const footer = asking ? (
    <>
      <p role="alert" className="conn-save-text conn-discard">
        Close without saving? What was typed here is lost.
      </p>
      <button type="button" onClick={() => setAsking(false)}>
        Keep editing
      </button>
      <button type="button" className="danger" autoFocus onClick={closeConnections}>
        Discard changes
      </button>
    </>
  ) : (
    form &&
    current && <SaveBar current={current} pending={save.pending} outcome={outcome} onSave={() => void submit()} errorCount={Object.keys(errors).length} />
  );
  async function submit(): Promise<void> {
    if (!form) return;
    const read = readForm(form);
    if (!read.ok) {
      showErrors(read.errors);
      setOutcome({ state: 'refused', text: 'Some settings need a look: they are marked above.' });
      return;
    }
    setErrors({});
    setOutcome({ state: 'idle' });
    try {
      const answer = await save.run(read.params);
      const now = read.params.source === 'nats' ? `reading NATS from ${read.params.nats.servers[0]}` : 'running the simulator';
      setOutcome({ state: 'saved', text: `Saved to ${answer.settingsPath} and connected: hexwatch is ${now}.`, ...(answer.note ? { note: answer.note } : {}) });
    } catch (err) {
      const { fields, rest } = refusalOf((err as Error).message);
      showErrors(fields);
      setOutcome({ state: 'refused', text: rest || 'The settings were refused: see the fields marked above.' });
    }
  }
  function showErrors(next: FieldErrors): void {
    setErrors(next);
    // The first field in trouble comes into view, so a refusal is never out of sight.
    requestAnimationFrame(() => body.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
  }

  const binding: FormBinding | undefined = form &&
    current && {
      form,
      errors,
      pinned: current.pinned,
      set: (patch) => {
        // Servers typed in mean NATS is wanted: Source follows, so Save does not quietly keep the simulator.
        const toNats = !!patch.servers?.trim() && !current.pinned.some((p) => p.key === 'source');
        setForm((f) => f && { ...f, ...patch, ...(toNats && f.source === 'simulator' ? { source: 'nats' as const } : {}) });
        setAsking(false);
        // A field typed into again is the analyst's to judge again.
        setErrors((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !(k in patch))));
        // What was saved is no longer what the form says.
        setOutcome((o) => (o.state === 'idle' ? o : { state: 'idle' }));
      },
    };
  return (
    <Dialog title="Connections" className="connections" onClose={close} footer={footer}>
      {loadError && <p className="field-error">Could not read the connections: {loadError.message}</p>}
      {!binding || !current ? (
        !loadError && <p className="muted">Reading what runs now…</p>
      ) : (
        <form
          ref={body}
          aria-label="Connection settings"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <SourceChoice b={binding} />
          <div className="conn-columns">
            {/* Object storage under NATS: the two columns stay about as long as each other. */}
            <div className="conn-side">
              <NatsSection b={binding} current={current} onInvalid={showErrors} />
              <S3Section b={binding} current={current} onInvalid={showErrors} />
            </div>
            <div className="conn-side">
              <Tile38Section b={binding} current={current} onInvalid={showErrors} />
              <DemandSection b={binding} />
            </div>
          </div>
        </form>
      )}
    </Dialog>
  );
}

/** Simulator or NATS: where positions come from. */
function SourceChoice({ b }: { b: FormBinding }) {
  const pin = pinOf(b, 'source');
  const choices = [
    { value: 'simulator', title: 'Simulator', text: 'Built-in walkers and ride requests; no server needed.' },
    { value: 'nats', title: 'NATS', text: 'Your fleet’s positions from a JetStream stream, set out below.' },
  ] as const;
  return (
    <fieldset className="conn-source" disabled={!!pin}>
      <legend>Source{pin ? ` (set by ${pin})` : ''}</legend>
      {choices.map((c) => (
        <label key={c.value} className={b.form.source === c.value ? 'chosen' : undefined}>
          <input type="radio" name="source" value={c.value} checked={b.form.source === c.value} onChange={() => b.set({ source: c.value })} />
          <span>
            <strong>{c.title}</strong>
            <span className="muted"> — {c.text}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/** Where the settings go and where secrets go, Save and connect, its progress and its result. */
function SaveBar(props: { current: Current; pending: boolean; outcome: Outcome; errorCount: number; onSave(): void }) {
  const { current, pending, outcome } = props;
  return (
    <>
      <div className="conn-save-text">
        {pending ? (
          <p role="status" className="conn-progress">
            <progress aria-label="Saving and connecting" /> Saving and connecting: the engine starts over on these settings, keeping everything committed…
          </p>
        ) : outcome.state === 'saved' ? (
          <p role="status" className="conn-saved">
            {outcome.text}
            {outcome.note && <span className="conn-note"> {capitalised(outcome.note)}.</span>}
          </p>
        ) : outcome.state === 'refused' ? (
          <p role="alert" className="field-error">
            {outcome.text}
          </p>
        ) : (
          <p className="muted">
            Saved in <span className="mono">{current.settingsPath}</span>, without secrets.{' '}
            {current.keep === 'keychain'
              ? 'Passwords and tokens typed here go to the system keychain'
              : capitalised(current.keepNote ?? 'passwords and tokens typed here are kept for this run only')}
            .
          </p>
        )}
      </div>
      <button type="button" className="primary" onClick={props.onSave} disabled={pending}>
        Save and connect
      </button>
    </>
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
