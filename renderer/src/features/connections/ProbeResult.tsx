import { useEffect, useRef, type ReactNode } from 'react';
import type { ResultOf } from '../../../../shared/rpc';

const fmt = (n: number) => n.toLocaleString(undefined, { maximumFractionDigits: 0 });
const bytes = (n: number) => (n >= 1 << 30 ? `${(n / (1 << 30)).toFixed(1)} GiB` : n >= 1 << 20 ? `${(n / (1 << 20)).toFixed(1)} MiB` : `${fmt(n / 1024)} KiB`);

/** A test under way, its refusal in the server's own words, or what the server said it is. */
export type Probe<M extends 'connections.testNats' | 'connections.testTile38' | 'connections.testS3'> =
  { state: 'idle' } | { state: 'testing' } | { state: 'done'; result: ResultOf<M> } | { state: 'failed'; error: string };

/** A test's answer comes into view when it arrives, wherever the form was scrolled to. */
function useReveal() {
  const ref = useRef<HTMLDivElement>(null);
  // A block, not an expression: Chromium's scrollIntoView returns a promise, which React would take for a cleanup.
  useEffect(() => {
    ref.current?.scrollIntoView?.({ block: 'nearest' });
  }, []);
  return ref;
}

function Refusal({ error, label }: { error: string; label: string }) {
  const ref = useReveal();
  return (
    <div ref={ref} className="conn-probe bad" role="alert" aria-label={label}>
      <p className="conn-probe-title">Could not connect</p>
      <p className="conn-probe-error">{error}</p>
    </div>
  );
}

/** Holds a test's answer in room kept for it, so the fields below stay where the analyst was typing. */
export function ProbeSlot({ children }: { children: ReactNode }) {
  return <div className="conn-probe-slot">{children}</div>;
}

const Untested = ({ what }: { what: string }) => (
  <p className="conn-probe idle muted">Not tested: Test {what} connection asks the server before anything is saved.</p>
);

/** What a NATS server said about itself, or why it would not talk. */
export function NatsProbe({ probe }: { probe: Probe<'connections.testNats'> }) {
  if (probe.state === 'idle') return <Untested what="NATS" />;
  if (probe.state === 'done' && probe.result.ok) return <NatsFacts server={probe.result.server} />;
  if (probe.state === 'testing') return <p className="conn-probe muted">Connecting…</p>;
  if (probe.state === 'failed') return <Refusal error={probe.error} label="NATS test" />;
  return <Refusal error={probe.result.ok ? '' : probe.result.error} label="NATS test" />;
}

function NatsFacts({ server: s }: { server: Extract<ResultOf<'connections.testNats'>, { ok: true }>['server'] }) {
  const ref = useReveal();
  return (
    <div ref={ref} className="conn-probe ok" role="status" aria-label="NATS test">
      <p className="conn-probe-title">Connected: nats-server {s.version}</p>
      <dl>
        <dt>Address</dt>
        <dd className="mono">{s.url}</dd>
        <dt>Server</dt>
        <dd className="mono">{s.name}</dd>
        {s.cluster && (
          <>
            <dt>Cluster</dt>
            <dd>{s.cluster}</dd>
          </>
        )}
        <dt>JetStream</dt>
        <dd>
          {s.jetstream ? 'on' : 'off — hexwatch needs JetStream to read positions'}
          {s.account &&
            ` · ${fmt(s.account.streams)} streams, ${fmt(s.account.consumers)} consumers, ${bytes(s.account.storage)} stored, ${bytes(s.account.memory)} in memory`}
        </dd>
        {s.stream && (
          <>
            <dt>Stream {s.stream.name}</dt>
            <dd>
              {s.stream.exists
                ? `there${s.stream.messages !== undefined ? `, ${fmt(s.stream.messages)} messages` : ''}${s.stream.subjects?.length ? ` on ${s.stream.subjects.join(', ')}` : ''}`
                : 'not there yet: hexwatch creates it when it connects'}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

/** What a Tile38 server said about itself, or why it would not talk. */
export function Tile38Probe({ probe }: { probe: Probe<'connections.testTile38'> }) {
  if (probe.state === 'idle') return <Untested what="Tile38" />;
  if (probe.state === 'done' && probe.result.ok) return <Tile38Facts server={probe.result.server} />;
  if (probe.state === 'testing') return <p className="conn-probe muted">Connecting…</p>;
  if (probe.state === 'failed') return <Refusal error={probe.error} label="Tile38 test" />;
  return <Refusal error={probe.result.ok ? '' : probe.result.error} label="Tile38 test" />;
}

function Tile38Facts({ server: s }: { server: Extract<ResultOf<'connections.testTile38'>, { ok: true }>['server'] }) {
  const ref = useReveal();
  return (
    <div ref={ref} className="conn-probe ok" role="status" aria-label="Tile38 test">
      <p className="conn-probe-title">Connected to Tile38 {s.version}</p>
      <dl>
        <dt>Address</dt>
        <dd className="mono">{s.address}</dd>
        {s.id && (
          <>
            <dt>Server id</dt>
            <dd className="mono">{s.id}</dd>
          </>
        )}
        <dt>Role</dt>
        <dd>{s.following ? `follower of ${s.following}` : 'leader'}</dd>
        {s.objects !== undefined && (
          <>
            <dt>Holds</dt>
            <dd>
              {fmt(s.objects)} objects{s.collections !== undefined ? ` in ${fmt(s.collections)} collections` : ''}
            </dd>
          </>
        )}
      </dl>
    </div>
  );
}

const KEYS_FROM = {
  app: 'the app’s own (access key id and secret key)',
  environment: 'AWS_ACCESS_KEY_ID',
  profile: 'the AWS profile',
  none: 'none (anonymous)',
} as const;

/** What a bucket listing found, or the store's refusal. */
export function S3Probe({ probe }: { probe: Probe<'connections.testS3'> }) {
  if (probe.state === 'idle') return <Untested what="S3" />;
  if (probe.state === 'done' && probe.result.ok) return <S3Facts server={probe.result.server} />;
  if (probe.state === 'testing') return <p className="conn-probe muted">Listing…</p>;
  if (probe.state === 'failed') return <Refusal error={probe.error} label="S3 test" />;
  return <Refusal error={probe.result.ok ? '' : probe.result.error} label="S3 test" />;
}

function S3Facts({ server: s }: { server: Extract<ResultOf<'connections.testS3'>, { ok: true }>['server'] }) {
  const ref = useReveal();
  return (
    <div ref={ref} className="conn-probe ok" role="status" aria-label="S3 test">
      <p className="conn-probe-title" title={s.sample.length ? `First: ${s.sample.join(', ')}` : undefined}>
        Listed {s.url}: {s.objects === 0 ? 'empty so far' : `${fmt(s.objects)}${s.more ? '+' : ''} objects`}
      </p>
      <dl>
        <dt>Host</dt>
        <dd className="mono">
          {s.host} · {s.region}
        </dd>
        <dt>Keys</dt>
        <dd>{KEYS_FROM[s.keysFrom]}</dd>
      </dl>
    </div>
  );
}
