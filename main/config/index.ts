export { ConfigSchema, type Config, type ConfigInput } from './schema';
export { ConfigError, FLAG_ALIASES, loadConfig, readsNats, defaultDataDir, envName, leafPaths, type LoadedConfig, type LoadOptions } from './load';
export { configHandlers } from './config-handlers';
export { saveSettings } from './settings-file';
export { partitionLayout, partitionSubjectsProblem, partitionTransform, type PartitionLayout } from './partition-layout';
