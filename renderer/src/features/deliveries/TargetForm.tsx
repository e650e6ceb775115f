import { useState } from 'react';
import type { TargetInfo } from '../../../../shared/rpc';
import { useEngine, useMutation } from '../../engine';

const secretEnv = (name: string) => `HEXWATCH_SECRET_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;

/**
 * Adds or edits a webhook or NATS subject target. The signing secret is named here; in the desktop app
 * its value can be set too, straight into the OS keychain (never shown again); in web mode the engine
 * reads it from its environment.
 */
export function TargetForm({ target, onDone }: { target?: TargetInfo; onDone(): void }) {
  const { desktop } = useEngine();
  const [form, setForm] = useState({
    id: target?.id ?? '',
    kind: (target?.kind === 'nats' ? 'nats' : 'webhook') as 'webhook' | 'nats',
    url: target?.url ?? '',
    subject: target?.subject ?? '',
    secretRef: target?.secretRef ?? '',
    timeoutMs: target?.timeoutMs ?? 10_000,
    concurrency: target?.concurrency ?? 8,
  });
  const [secret, setSecret] = useState('');
  const upsert = useMutation('deliveries.saveTarget');
  const saveSecret = useMutation('deliveries.setTargetSecret');
  const set = (patch: Partial<typeof form>) => setForm((f) => ({ ...f, ...patch }));
  const issue = (path: string) => upsert.error?.issues?.find((i) => i.path === path)?.message;
  return (
    <form
      className="target-form"
      aria-label={target ? `Edit target ${target.id}` : 'Add target'}
      onSubmit={(e) => {
        e.preventDefault();
        void (async () => {
          if (desktop && secret && form.secretRef) await saveSecret.run({ name: form.secretRef, value: secret });
          await upsert.run({
            id: form.id.trim(),
            kind: form.kind,
            ...(form.kind === 'webhook' ? { url: form.url.trim() } : { subject: form.subject.trim() }),
            ...(form.secretRef.trim() ? { secretRef: form.secretRef.trim() } : {}),
            timeoutMs: Number(form.timeoutMs),
            concurrency: Number(form.concurrency),
            enabled: target?.enabled ?? true,
          });
          setSecret('');
          onDone();
        })().catch(() => undefined);
      }}
    >
      <label>
        Name
        <input value={form.id} disabled={Boolean(target)} onChange={(e) => set({ id: e.target.value })} placeholder="orders-webhook" required />
        {issue('id') && <small className="field-error">{issue('id')}</small>}
      </label>
      <fieldset className="segmented">
        <legend>Kind</legend>
        {(['webhook', 'nats'] as const).map((k) => (
          <label key={k}>
            <input type="radio" name="kind" checked={form.kind === k} onChange={() => set({ kind: k })} />{' '}
            {k === 'webhook' ? 'Webhook (HTTP POST)' : 'NATS subject'}
          </label>
        ))}
      </fieldset>
      {form.kind === 'webhook' ? (
        <label>
          URL
          <input type="url" value={form.url} onChange={(e) => set({ url: e.target.value })} placeholder="https://example.com/hooks/fences" required />
          {issue('url') && <small className="field-error">{issue('url')}</small>}
        </label>
      ) : (
        <label>
          Subject
          <input value={form.subject} onChange={(e) => set({ subject: e.target.value })} placeholder="fences.events" required />
          {issue('subject') && <small className="field-error">{issue('subject')}</small>}
        </label>
      )}
      <div className="row">
        <label>
          Timeout (ms)
          <input type="number" min={100} max={120000} value={form.timeoutMs} onChange={(e) => set({ timeoutMs: Number(e.target.value) })} />
        </label>
        <label>
          Concurrency
          <input type="number" min={1} max={256} value={form.concurrency} onChange={(e) => set({ concurrency: Number(e.target.value) })} />
        </label>
      </div>
      {form.kind === 'webhook' && (
        <>
          <label>
            Signing secret name
            <input value={form.secretRef} onChange={(e) => set({ secretRef: e.target.value })} placeholder="orders-key (optional)" />
            {issue('secretRef') && <small className="field-error">{issue('secretRef')}</small>}
          </label>
          {form.secretRef.trim() &&
            (desktop ? (
              <label>
                Secret value (stored in the OS keychain, never shown again)
                <input
                  type="password"
                  autoComplete="off"
                  value={secret}
                  onChange={(e) => setSecret(e.target.value)}
                  placeholder="whsec_… (leave empty to keep)"
                />
              </label>
            ) : (
              <p className="muted">
                The engine reads this secret from <code>{secretEnv(form.secretRef.trim())}</code> in its environment.
              </p>
            ))}
        </>
      )}
      {(upsert.error ?? saveSecret.error) && !issue('id') && !issue('url') && !issue('subject') && (
        <p role="alert" className="field-error">
          {(upsert.error ?? saveSecret.error)!.message}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={upsert.pending}>
          {target ? 'Save target' : 'Add target'}
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
