export { engineStatus, type StatusSources } from './engine-status';
export { startStatusChannel, statusHandlers } from './status-handlers';
