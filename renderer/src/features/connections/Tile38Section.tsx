import { useEffect, useId, useState } from 'react';
import type { ResultOf } from '../../../../shared/rpc';
import { useEngine } from '../../engine';
import { readTile38 } from './connection-form';
import { pinOf, secretFrom, TextField, type FormBinding } from './ConnectionFields';
import { Tile38Probe, ProbeSlot, type Probe } from './ProbeResult';

type Current = ResultOf<'connections.get'>;

/** Tile38, when it decides fence events instead of the embedded engine; tested before it is saved. */
export function Tile38Section({ b, current, onInvalid }: { b: FormBinding; current: Current; onInvalid(errors: FormBinding['errors']): void }) {
  const { client } = useEngine();
  const id = useId();
  const [probe, setProbe] = useState<Probe<'connections.testTile38'>>({ state: 'idle' });
  // An answer is about what was tested: once the settings it tested change, it goes.
  const tested = JSON.stringify(readTile38(b.form)) + b.form.tile38Password;
  useEffect(() => setProbe({ state: 'idle' }), [tested]);
  const test = async () => {
    const read = readTile38(b.form);
    if (!read.ok || !read.value.host) {
      onInvalid(read.ok ? { tile38Host: 'the host of the Tile38 to test' } : read.errors);
      setProbe({ state: 'idle' });
      return;
    }
    setProbe({ state: 'testing' });
    try {
      const result = await client.call('connections.testTile38', { tile38: read.value, ...(b.form.tile38Password ? { password: b.form.tile38Password } : {}) });
      setProbe({ state: 'done', result });
    } catch (err) {
      setProbe({ state: 'failed', error: (err as Error).message });
    }
  };
  const source = current.secrets.tile38Password;
  const tlsPin = pinOf(b, 'tile38Tls');
  const modePin = pinOf(b, 'tile38Mode');
  return (
    <section className="conn-section" aria-labelledby="conn-tile38">
      <div className="conn-section-head">
        <h3 id="conn-tile38">Tile38</h3>
        <button type="button" onClick={() => void test()} disabled={probe.state === 'testing'}>
          Test Tile38 connection
        </button>
      </div>
      <ProbeSlot>
        <Tile38Probe probe={probe} />
      </ProbeSlot>
      <p className="conn-intro">Leave the host empty and hexwatch decides fence events itself (the embedded engine).</p>
      <div className="conn-grid">
        <TextField b={b} name="tile38Host" label="Tile38 host" mono placeholder="tile38.example.com" />
        <TextField b={b} name="tile38Port" label="Tile38 port" mono />
        <TextField
          b={b}
          name="tile38Password"
          label="Tile38 password"
          secret
          placeholder={source === 'none' ? '' : 'kept — type to replace'}
          hint={`${secretFrom(source, 'HEXWATCH_TILE38_PASSWORD')}${source === 'none' ? '' : ' Type one to replace it.'}`}
        />
        <TextField b={b} name="tile38PasswordFile" label="Tile38 password file" mono />
        <div className="conn-field">
          <label htmlFor={`${id}-mode`}>Events by</label>
          <select
            id={`${id}-mode`}
            value={b.form.tile38Mode}
            disabled={!!modePin}
            title={modePin ? `Set by ${modePin}` : undefined}
            onChange={(e) => b.set({ tile38Mode: e.target.value as 'channel' | 'hook' })}
          >
            <option value="channel">channels</option>
            <option value="hook">hooks into JetStream</option>
          </select>
        </div>
        <label className="conn-check">
          <input type="checkbox" checked={b.form.tile38Tls} disabled={!!tlsPin} onChange={(e) => b.set({ tile38Tls: e.target.checked })} />
          TLS{tlsPin ? ` (set by ${tlsPin})` : ''}
        </label>
      </div>
    </section>
  );
}

/** The market's ride requests: the JetStream stream they come on (with NATS as the source). */
export function DemandSection({ b }: { b: FormBinding }) {
  return (
    <section className={`conn-section${b.form.source === 'nats' ? '' : ' idle'}`} aria-labelledby="conn-demand">
      <h3 id="conn-demand">Demand</h3>
      <p className="conn-intro">Ride requests for the market, read from NATS beside the positions; the simulator makes its own.</p>
      <div className="conn-grid">
        <TextField b={b} name="demandStream" label="Demand stream" mono />
        <TextField b={b} name="demandConsumer" label="Demand consumer" mono />
        <TextField b={b} name="demandSubjects" label="Demand subjects" mono wide />
      </div>
    </section>
  );
}
