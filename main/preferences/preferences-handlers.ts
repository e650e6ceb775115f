import { RpcError } from '../../shared/rpc';
import type { Handlers } from '../rpc';
import type { PreferencesFile } from './preferences-file';

/** Preferences' methods; a saved value goes out to every client on `preferences.changed` (`changed`). */
export function preferencesHandlers<C>(
  file: PreferencesFile,
  changed: (key: string, value: unknown) => void,
): Pick<Handlers<C>, 'preferences.get' | 'preferences.set'> {
  return {
    'preferences.get': () => ({ values: file.all() }),
    'preferences.set': ({ key, value }) => {
      try {
        file.set(key, value);
      } catch (err) {
        if (err instanceof RangeError) throw new RpcError({ code: 'invalid_params', message: err.message, issues: [{ path: 'value', message: err.message }] });
        throw err;
      }
      changed(key, value);
      return { saved: true };
    },
  };
}
