import { redactUrl } from '../nats';
import type { Handlers } from '../rpc';
import type { Config } from './schema';

/** `config.get`: the configuration as the engine runs it, with the data dir; a server URL may carry user:password@, which stays in the engine. */
export function configHandlers<C>(config: Config, dataDir: string, settingsPath: string): Pick<Handlers<C>, 'config.get'> {
  return {
    'config.get': () => ({ settingsPath, config: { ...config, dataDir, nats: { ...config.nats, servers: config.nats.servers.map(redactUrl) } } }),
  };
}
