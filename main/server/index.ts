export { startWebBridge, type WebBridge, type WebBridgeOptions } from './web-bridge';
export { rendererCsp, resolveStaticFile, type StaticFile } from './static-files';
