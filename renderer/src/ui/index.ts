/** Widgets every feature uses. */
import './ui.css';
export { EmptyState, Panel } from './Panel';
export { Tabs } from './Tabs';
export { Confirm } from './Confirm';
export { Dialog } from './Dialog';
export { CellCard } from './CellCard';
export { CopyButton } from './CopyButton';
export { MenuButton, type MenuItem } from './MenuButton';
export { Drawer } from './Drawer';
export { NewRows, useHeld, useHoverHold } from './LiveHold';
export { saveFile } from './save-file';
export { PlotFigure, type PlotFigureOptions, type PlotTheme } from './PlotFigure';
export { Markdown } from './Markdown';
export { categoryAxis, shortLabel, timeStep, topCategories, type CategoryAxis } from './plot-axes';
export { parseMarkdown, type Block } from './markdown';
export { formatTime, formatTimeRange, type TimeFormat } from './time-format';
