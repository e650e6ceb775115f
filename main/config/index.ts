export { ConfigSchema, type Config, type ConfigInput } from './schema';
export { ConfigError, FLAG_ALIASES, loadConfig, defaultDataDir, envName, type LoadedConfig, type LoadOptions } from './load';
export { configHandlers } from './config-handlers';
