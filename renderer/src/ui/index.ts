/** Widgets every feature uses. */
export { EmptyState, Panel } from './Panel';
