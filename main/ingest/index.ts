export { decodePosition, nestingDepth, type Decoded, type QuarantineReason } from './decode';
export { MessageDecoder, type Refusal } from './message-decoder';
export { PositionIngest, ingestSettingsOf, type IngestOptions, type IngestSink } from './position-ingest';
export type { RawBatch } from './batch-builder';
export { NatsReader, type IngestState, type NatsServer } from './nats-reader';
export { newScannedPosition, scanPosition, type ScannedPosition } from './position-scan';
export { ReaderThread, type ReaderThreadOptions } from './reader-thread';
export { PositionSinks, type PositionSink } from './position-sinks';
export { partitionOfSubject, type PartitionState } from './pull-lanes';
