import { useEffect, useState } from 'react';
import type { ResultOf } from '../../../../shared/rpc';
import { useEngine } from '../../engine';
import { readS3 } from './connection-form';
import { secretFrom, TextField, type FormBinding } from './ConnectionFields';
import { ProbeSlot, S3Probe, type Probe } from './ProbeResult';

type Current = ResultOf<'connections.get'>;

const KEYS_NOW = {
  app: 'Now: the key id and secret key set here.',
  environment: 'Now: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY from the environment.',
  profile: 'Now: the AWS profile (AWS_PROFILE, ~/.aws/credentials).',
  none: 'Now: none — buckets are read anonymously.',
} as const;

/** Object storage: how notebooks read s3://, and the bucket the archive is copied to; tested by listing it. */
export function S3Section({ b, current, onInvalid }: { b: FormBinding; current: Current; onInvalid(errors: FormBinding['errors']): void }) {
  const { client } = useEngine();
  const [probe, setProbe] = useState<Probe<'connections.testS3'>>({ state: 'idle' });
  // An answer is about what was tested: once the settings it tested change, it goes.
  const tested = JSON.stringify(readS3(b.form)) + b.form.s3SecretKey;
  useEffect(() => setProbe({ state: 'idle' }), [tested]);
  const test = async () => {
    const read = readS3(b.form);
    if (!read.ok) {
      onInvalid(read.errors);
      setProbe({ state: 'idle' });
      return;
    }
    setProbe({ state: 'testing' });
    try {
      const result = await client.call('connections.testS3', { s3: read.value, ...(b.form.s3SecretKey ? { secretKey: b.form.s3SecretKey } : {}) });
      setProbe({ state: 'done', result });
    } catch (err) {
      setProbe({ state: 'failed', error: (err as Error).message });
    }
  };
  const source = current.secrets.s3SecretKey;
  return (
    <section className="conn-section" aria-labelledby="conn-s3">
      <div className="conn-section-head">
        <h3 id="conn-s3">Object storage (S3)</h3>
        <button type="button" onClick={() => void test()} disabled={probe.state === 'testing'}>
          Test S3 connection
        </button>
      </div>
      <ProbeSlot>
        <S3Probe probe={probe} />
      </ProbeSlot>
      <p className="conn-intro">Notebooks open s3:// files and folders; the archive&apos;s hourly parts can be copied to a bucket as they are written.</p>
      <div className="conn-grid">
        <TextField
          b={b}
          name="s3Endpoint"
          label="S3 endpoint"
          mono
          placeholder="empty: AWS"
          hint="An S3-compatible store (MinIO, SeaweedFS…), read path-style."
        />
        <TextField b={b} name="s3Region" label="S3 region" mono placeholder="us-east-1" />
        <TextField b={b} name="s3AccessKeyId" label="Access key id" mono hint={KEYS_NOW[current.s3KeysFrom]} />
        <TextField
          b={b}
          name="s3SecretKey"
          label="Secret access key"
          secret
          placeholder={source === 'none' ? '' : 'kept — type to replace'}
          hint={`${secretFrom(source, 'HEXWATCH_S3_SECRET_ACCESS_KEY', 'none')}${source === 'none' ? ' Empty: the AWS environment or profile.' : ' Type one to replace it.'}`}
        />
        <TextField
          b={b}
          name="s3ArchiveUrl"
          label="Copy the archive to"
          mono
          wide
          placeholder="s3://fleet/hexwatch/"
          hint="Empty: the archive stays on this machine only."
        />
      </div>
    </section>
  );
}
