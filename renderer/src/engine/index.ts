/** The renderer's door to the engine: the connection, and one typed hook family over it. */
export { connectEngine, type ConnectionState, type DesktopFiles, type EngineLink } from './connect';
export { EngineProvider, useEngine } from './EngineContext';
export { invalidate, mutate, useChannel, useChannelValue, useConnection, useMutation, useRpc, type Mutation, type RpcState } from './hooks';
