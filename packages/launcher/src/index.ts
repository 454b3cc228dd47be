export { startServices, type RunningServices } from './services-process';
export { seedRootDocument } from './seed-root';
export { dataDirOf, REPO_ROOT } from './data-dir';
