import { useId, type ReactNode } from 'react';
import type { ResultOf } from '../../../../shared/rpc';
import { FIELD_OF_KEY, type ConnectionForm, type FieldErrors, type FieldName } from './connection-form';

type Current = ResultOf<'connections.get'>;

/** What every field reads and writes: the form, its errors, the settings the environment or flags pin. */
export interface FormBinding {
  form: ConnectionForm;
  errors: FieldErrors;
  pinned: Current['pinned'];
  set(patch: Partial<ConnectionForm>): void;
}

/** The variable or flag that pins a field, if one does. */
export const pinOf = (b: FormBinding, name: FieldName): string | undefined => b.pinned.find((p) => FIELD_OF_KEY[p.key] === name)?.from;

/** A labelled text field: its hint and its error below it (read out with it), read-only where a variable or flag pins it. */
export function TextField(props: {
  b: FormBinding;
  name: Exclude<FieldName, 'source' | 'tile38Tls' | 'tile38Mode'>;
  label: string;
  hint?: ReactNode;
  placeholder?: string;
  multiline?: boolean;
  secret?: boolean;
  mono?: boolean;
  wide?: boolean;
}) {
  const { b, name } = props;
  const id = useId();
  const pin = pinOf(b, name);
  const error = b.errors[name];
  const hint = pin ? `Set by ${pin}, which wins over what is saved here.` : props.hint;
  const common = {
    id,
    name,
    value: b.form[name],
    readOnly: !!pin,
    placeholder: props.placeholder,
    spellCheck: false,
    autoComplete: props.secret ? 'new-password' : 'off',
    'aria-invalid': error ? true : undefined,
    'aria-describedby': [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ') || undefined,
    onChange: (e: React.ChangeEvent<HTMLInputElement | HTMLTextAreaElement>) => b.set({ [name]: e.target.value }),
    className: props.mono ? 'mono-input' : undefined,
  };
  return (
    <div className={`conn-field${props.wide ? ' wide' : ''}${pin ? ' conn-pinned' : ''}`}>
      <label htmlFor={id}>{props.label}</label>
      {props.multiline ? <textarea rows={2} {...common} /> : <input type={props.secret ? 'password' : 'text'} {...common} />}
      {hint && (
        <p className="conn-hint" id={`${id}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

/** Where a secret the engine uses comes from now, in words (never the secret). */
export function secretFrom(source: Current['secrets']['natsPassword'], variable: string, fileText = 'read from the file below'): string {
  switch (source) {
    case 'keychain':
      return 'Now: kept in the keychain.';
    case 'environment':
      return `Now: from the environment (${variable}).`;
    case 'file':
      return `Now: ${fileText}.`;
    case 'session':
      return 'Now: typed in for this run only.';
    case 'none':
      return 'Now: none.';
  }
}

/** A group of fields under a small heading, one above the other. */
export function FieldGroup({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="conn-group" role="group" aria-label={title}>
      <h4>{title}</h4>
      {children}
    </div>
  );
}
