export { Simulator, type SimulatorOptions } from './simulator';
export { createFleet, seededRandom, stepWalker, type Fleet, type WalkerArea } from './walker';
export { publishSimulation, type PublishSummary } from './nats-publish';
export { DemandSimulator } from './demand-simulator';
export { SimulatedSource, type SimulatedSourceOptions } from './simulated-source';
export { WalkersPast } from './walkers-past';
export { SIMULATOR_STREAM } from './simulator-commits';
