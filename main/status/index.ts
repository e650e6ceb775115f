export { engineStatus, type StatusSources } from './engine-status';
