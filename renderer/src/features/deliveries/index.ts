/** Deliveries: the queue's health now; dead letters, targets and replay next. */
export { DeliveriesPanel } from './DeliveriesPanel';
