export { startWebBridge, type WebBridge, type WebBridgeOptions } from './web-bridge';
