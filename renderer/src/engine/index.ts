/** The renderer's door to the engine: the connection, and one typed hook family over it. */
export { connectEngine, type ConnectionState, type DesktopFiles, type DesktopShell, type EngineLink } from './connect';
export { EngineProvider, useEngine } from './EngineContext';
export { invalidate, mutate, useChannel, useChannelValue, useConnection, useJob, useMutation, useRpc, type Job, type Mutation, type RpcState } from './hooks';
export { cancelJob, jobStore, resetJob, startJob, type JobOutcome, type JobParams, type JobState, type JobStatus } from './jobs';
