/** Quarantine: the messages ingest refused, with why (a tab of the Deliveries panel). */
export { Quarantine } from './Quarantine';
