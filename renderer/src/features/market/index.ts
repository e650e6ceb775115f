/** The market on the workstation: its section of the Heatmap panel, and the card of a cell picked on the map. */
export { MarketSection } from './MarketSection';
export { MarketCellCard } from './MarketCellCard';
