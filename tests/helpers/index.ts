export * from './chromium';
export * from './paths';
export * from './png';
export * from './process';
export * from './rpc-client';
export * from './servers';
export * from './web-mode';
export * from './history-reader';
