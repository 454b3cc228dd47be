export { explorerRoutes, EXPLORER_PUBLIC_PATHS, type DevIdentity, type ExplorerOptions } from './explorer-routes';
export { buildExplorerAssets, loadExplorerAssets, type ExplorerAssets } from './build-assets';
