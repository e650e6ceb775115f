/** Fences: the panel (drawing, backtest and deploy come next). */
export { FencesPanel } from './FencesPanel';
