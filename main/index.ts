/** The engine's public surface: what electron/ and the CLI use. */
export { startEngine, type Engine, type EngineClient, type EngineOptions, type EventListener } from './engine';
export { startEngineHost, type EngineHostOptions } from './engine-host';
export { sessionSecrets, type SecretName, type SecretStore } from './connections';
export { ConfigError, FLAG_ALIASES, loadConfig, defaultDataDir, type Config } from './config';
export { rendererCsp, resolveStaticFile, startWebBridge, type WebBridge, type WebBridgeOptions } from './server';
export { RotatingLog, type RotatingLogOptions } from './logs';
export { useChildLauncher, type ChildLauncher, type ChildLink } from './child-link';
