/** The market on the workstation: its section of the Heatmap panel, and the card of a cell picked on the map. */
export { MarketSection } from './MarketSection';
export { MarketCellCard } from './MarketCellCard';
import './market.css'; // after the exports: it follows the ui/ and map/ sheets they import
