import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../../shared/rpc';
import { useEngine } from '../../engine';
import { readNats } from './connection-form';
import { FieldGroup, secretFrom, TextField, type FormBinding } from './ConnectionFields';
import { NatsProbe, ProbeSlot, type Probe } from './ProbeResult';

type Current = ResultOf<'connections.get'>;

/** The NATS servers, how hexwatch proves who it is to them, and the stream it reads; tested before it is saved. */
export function NatsSection({ b, current, onInvalid }: { b: FormBinding; current: Current; onInvalid(errors: FormBinding['errors']): void }) {
  const { client } = useEngine();
  const [probe, setProbe] = useState<Probe<'connections.testNats'>>({ state: 'idle' });
  // An answer is about what was tested: once the settings it tested change, it goes.
  const tested = JSON.stringify(readNats({ ...b.form, source: 'nats' })) + b.form.natsPassword + b.form.natsToken;
  useEffect(() => setProbe({ state: 'idle' }), [tested]);
  const test = async () => {
    const read = readNats({ ...b.form, source: 'nats' });
    if (!read.ok) {
      onInvalid(read.errors);
      setProbe({ state: 'idle' });
      return;
    }
    setProbe({ state: 'testing' });
    try {
      const result = await client.call('connections.testNats', {
        nats: read.value,
        ...(b.form.natsPassword ? { password: b.form.natsPassword } : {}),
        ...(b.form.natsToken ? { token: b.form.natsToken } : {}),
      });
      setProbe({ state: 'done', result });
    } catch (err) {
      setProbe({ state: 'failed', error: (err as Error).message });
    }
  };
  const secretHint = (source: Current['secrets']['natsPassword'], variable: string) =>
    `${secretFrom(source, variable)}${source === 'none' ? '' : ' Type one to replace it; leave it blank to keep it.'}`;
  return (
    <section className={`conn-section${b.form.source === 'nats' ? '' : ' idle'}`} aria-labelledby="conn-nats">
      <div className="conn-section-head">
        <h3 id="conn-nats">NATS</h3>
        <button type="button" onClick={() => void test()} disabled={probe.state === 'testing'}>
          Test NATS connection
        </button>
      </div>
      <ProbeSlot>
        <NatsProbe probe={probe} />
      </ProbeSlot>
      <TextField
        b={b}
        name="servers"
        label="NATS servers"
        multiline
        mono
        placeholder="nats://nats-1.example.com:4222, tls://nats-2.example.com:4222"
        hint="One URL per line or comma separated; a cluster's other servers are learned from the first that answers."
      />
      <div className="conn-columns-2">
        <FieldGroup title="Sign in">
          <TextField b={b} name="user" label="User" />
          <TextField
            b={b}
            name="natsPassword"
            label="Password"
            secret
            placeholder={current.secrets.natsPassword === 'none' ? '' : 'kept — type to replace'}
            hint={secretHint(current.secrets.natsPassword, 'HEXWATCH_NATS_PASSWORD')}
          />
          <TextField
            b={b}
            name="natsToken"
            label="Token"
            secret
            placeholder={current.secrets.natsToken === 'none' ? '' : 'kept — type to replace'}
            hint={secretHint(current.secrets.natsToken, 'HEXWATCH_NATS_TOKEN')}
          />
          <TextField b={b} name="passwordFile" label="Password file" mono placeholder="/run/secrets/nats-password" />
          <TextField b={b} name="tokenFile" label="Token file" mono placeholder="/run/secrets/nats-token" />
          <TextField b={b} name="nkeySeedFile" label="NKey seed file" mono placeholder="/etc/hexwatch/user.nk" />
          <TextField b={b} name="credsFile" label=".creds file" mono placeholder="/etc/hexwatch/hexwatch.creds" />
        </FieldGroup>
        <div>
          <FieldGroup title="TLS">
            <TextField
              b={b}
              name="tlsCaFile"
              label="TLS CA file"
              mono
              placeholder="/etc/hexwatch/ca.pem"
              hint="The CA that signed the servers' certificates, when it is a private one."
            />
            <TextField b={b} name="tlsCertFile" label="TLS certificate file" mono placeholder="/etc/hexwatch/client.pem" />
            <TextField b={b} name="tlsKeyFile" label="TLS key file" mono placeholder="/etc/hexwatch/client-key.pem" />
          </FieldGroup>
          <FieldGroup title="Positions stream">
            <TextField b={b} name="stream" label="Stream" mono />
            <TextField b={b} name="subjects" label="Subjects" mono hint="Comma separated, e.g. pos.>" />
            <TextField b={b} name="consumer" label="Consumer" mono />
          </FieldGroup>
        </div>
      </div>
    </section>
  );
}
