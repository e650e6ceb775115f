/** The fleet: the Fleet view (engines and the partitions they own) and its pill in the status bar; its panel command comes with the rail's. */
export { FleetPanel } from './FleetPanel';
export { FleetPill } from './FleetPill';
import './fleet.css'; // after the exports: it follows the ui/ sheets they import
