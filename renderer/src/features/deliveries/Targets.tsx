import { useEffect, useState } from 'react';
import type { QueueFigures, ResultOf, TargetInfo } from '../../../../shared/rpc';
import { useMutation, useRpc } from '../../engine';
import { Confirm, EmptyState } from '../../ui';
import { targetEditor } from './deliveries-panel-state';
import { useOnQueueChange, useQueueFigures } from './queue-figures';
import { TargetForm } from './TargetForm';

type TargetFigures = QueueFigures['targets'][number];

const clock = (ms: number) => new Date(ms).toLocaleTimeString();

/** "in 25 s", "in 3 min", "now": how long until a time, for a line that is read at a glance. */
function inWords(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s <= 0) return 'now';
  return s < 90 ? `in ${s} s` : `in ${Math.round(s / 60)} min`;
}

/**
 * What an operator sees first about a target: its state in a word (enabled, disabled, unreachable,
 * refusing, failing) and, when it is not delivering, why and what happens next, in a sentence.
 */
export function targetState(t: TargetInfo, figures: TargetFigures | undefined, now: number): { label: string; why?: string; tone: 'good' | 'warn' | 'bad' } {
  if (!t.enabled) return { label: 'Disabled', why: t.disabledReason, tone: 'bad' };
  if (t.secretRef && t.secretFound === false)
    return { label: 'Failing', why: `its signing secret "${t.secretRef}" is not found: set it, and its deliveries go out at their next try`, tone: 'bad' };
  const last = figures?.last_attempt;
  if (last && last.status !== 'success') {
    const retry = figures?.next_retry_at;
    const next = !figures?.pending_count
      ? 'what it could not take waits in the dead letters'
      : retry
        ? `next try ${inWords(retry - now)}, at ${clock(retry)}`
        : 'next try when its turn comes';
    return {
      label: last.http_status ? 'Refusing' : 'Unreachable',
      why: `${last.error ?? (last.http_status ? `HTTP ${last.http_status}` : last.status)} — last tried ${clock(last.at)} · ${next}.`,
      tone: 'bad',
    };
  }
  if (figures?.success_rate_percent != null && figures.success_rate_percent < 95)
    return { label: 'Failing', why: `${figures.success_rate_percent} % delivered in the last hour.`, tone: 'warn' };
  return { label: 'Enabled', tone: 'good' };
}

/** Now, once a second while something on screen counts down to a time. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!ticking) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [ticking]);
  return now;
}

/** Delivery targets with their state and last hour's figures; added, edited, tested, disabled and removed here. */
export function Targets() {
  const { data: targets, error, refresh } = useRpc('deliveries.targets', {});
  useOnQueueChange(refresh);
  const { figures: all } = useQueueFigures();
  const editing = targetEditor.use();
  const setEditing = targetEditor.set;
  const outside = (targets ?? []).filter((t) => t.kind !== 'feed');
  const figures = new Map((all?.targets ?? []).map((t) => [t.target_id, t]));
  const { data: fences } = useRpc('fences.list', {}, { refreshOn: ['fences.changed'] });
  return (
    <div className="targets">
      <div className="toolbar" role="toolbar" aria-label="Targets">
        <button className="primary" onClick={() => setEditing('new')}>
          Add target
        </button>
      </div>
      {error && <p role="alert">{error.message}</p>}
      {editing && <TargetForm target={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} />}
      {targets && outside.length === 0 && !editing && (
        <EmptyState title="No delivery targets">
          Add a webhook or a NATS subject, then tick it under <b>Deliver to</b> in each fence whose events it should get: a target gets the events of the fences
          it is attached to, through the durable queue, signed, retried, and kept in the dead-letter queue when it cannot be delivered.
        </EmptyState>
      )}
      <ul className="target-list" aria-label="Targets">
        {outside.map((t) => (
          <TargetRow
            key={t.id}
            target={t}
            figures={figures.get(t.id)}
            fences={fences?.filter((f) => f.targets.includes(t.id)).map((f) => f.name)}
            onEdit={() => setEditing(t)}
          />
        ))}
      </ul>
    </div>
  );
}

function TargetRow({ target: t, figures, fences, onEdit }: { target: TargetInfo; figures?: TargetFigures; fences?: string[]; onEdit(): void }) {
  const test = useMutation('deliveries.testTarget');
  const upsert = useMutation('deliveries.saveTarget');
  const remove = useMutation('deliveries.removeTarget');
  const [answer, setAnswer] = useState<ResultOf<'deliveries.testTarget'>>();
  const [removing, setRemoving] = useState(false);
  const now = useNow(figures?.next_retry_at != null);
  const state = targetState(t, figures, now);
  const pending = figures?.pending_count ?? 0;
  const tried = figures?.attempted_last_hour ?? 0;
  return (
    <li className="target" aria-label={t.id}>
      <div className="target-head">
        <b>{t.id}</b>
        <span className={`badge tone-${state.tone}`}>{state.label}</span>
      </div>
      {state.why && (
        <p className={`target-why tone-${state.tone}`} aria-label={`Why ${t.id} is ${state.label.toLowerCase()}`}>
          {state.why}
        </p>
      )}
      <div className="muted mono target-where">{t.kind === 'webhook' ? t.url : `NATS ${t.subject}`}</div>
      {fences && (
        <p className="target-fences" aria-label={`Fences that deliver to ${t.id}`}>
          {fences.length
            ? `Gets the events of ${fences.join(', ')}.`
            : 'No fence delivers to it yet: open a fence in the Fences panel, tick it under Deliver to, and save.'}
        </p>
      )}
      <dl className="figures target-figures">
        <dt>Delivered, last hour</dt>
        <dd>{!figures ? '—' : tried === 0 ? 'no deliveries yet' : `${figures.success_rate_percent} % of ${tried.toLocaleString()}`}</dd>
        <dt>Latency</dt>
        <dd title="mean of the last hour's deliveries">
          {figures?.avg_delivery_latency_ms == null ? (tried ? 'none delivered' : '—') : `${figures.avg_delivery_latency_ms.toLocaleString()} ms`}
        </dd>
        <dt>Pending</dt>
        <dd>{pending.toLocaleString()}</dd>
        <dt>Dead letters</dt>
        <dd>{(figures?.dlq_count ?? 0).toLocaleString()}</dd>
        {t.secretRef && (
          <>
            <dt>Signing secret</dt>
            <dd>
              {t.secretRef} {t.secretFound ? '(set)' : '(not found)'}
            </dd>
          </>
        )}
      </dl>
      <div className="toolbar">
        <button disabled={test.pending} onClick={() => void test.run({ id: t.id }).then(setAnswer, () => undefined)}>
          {test.pending ? 'Sending…' : 'Send test event'}
        </button>
        <button onClick={onEdit}>Edit</button>
        <button
          onClick={() =>
            void upsert.run({
              id: t.id,
              kind: t.kind === 'nats' ? 'nats' : 'webhook',
              ...(t.url ? { url: t.url } : {}),
              ...(t.subject ? { subject: t.subject } : {}),
              ...(t.secretRef ? { secretRef: t.secretRef } : {}),
              timeoutMs: t.timeoutMs,
              concurrency: t.concurrency,
              enabled: !t.enabled,
            })
          }
        >
          {t.enabled ? 'Disable' : 'Enable'}
        </button>
        <button className="danger" onClick={() => setRemoving(true)}>
          Remove
        </button>
      </div>
      {removing && (
        <Confirm
          title={`Remove target ${t.id}?`}
          confirm="Remove target"
          danger
          onConfirm={() => void remove.run({ id: t.id }).finally(() => setRemoving(false))}
          onCancel={() => setRemoving(false)}
        >
          {pending > 0
            ? `Its ${pending.toLocaleString()} undelivered item${pending === 1 ? '' : 's'} will go to the dead-letter queue, where they can be inspected and discarded.`
            : 'Nothing is waiting for it.'}{' '}
          Fences that name it will no longer deliver to it.
        </Confirm>
      )}
      {(test.error ?? remove.error ?? upsert.error) && <p role="alert">{(test.error ?? remove.error ?? upsert.error)!.message}</p>}
      {answer && (
        <div className={`test-answer tone-${answer.status === 'success' ? 'good' : 'bad'}`} role="status" aria-label={`Test answer from ${t.id}`}>
          <b>{answer.status === 'success' ? 'Delivered' : answer.status === 'timeout' ? 'Timed out' : 'Refused'}</b>
          {answer.httpStatus ? ` · HTTP ${answer.httpStatus}` : ''} · {answer.latencyMs.toLocaleString()} ms · <span className="mono">{answer.id}</span>
          {answer.error && <div>{answer.error}</div>}
          {answer.response && <pre className="payload">{answer.response}</pre>}
        </div>
      )}
    </li>
  );
}
