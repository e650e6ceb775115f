/** Deliveries: dead letters, targets, the queue's health over time, replay and quarantine. */
export { DeliveriesPanel } from './DeliveriesPanel';
export { deliveriesCommands } from './deliveries-commands';
export { countsOf, useQueueFigures } from './queue-figures';
import './deliveries.css'; // after the exports: it follows the ui/ and map/ sheets they import
