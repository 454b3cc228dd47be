export { startServices, type RunningServices } from './services-process';
export { seedRootDocument } from './seed-root';
