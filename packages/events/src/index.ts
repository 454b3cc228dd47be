/**
 * Events: the numbered change log every writer appends to (inside its store transaction) and every runtime follows to
 * invalidate its caches. Broadcasts are signed invalidation hints (reference W3); polling catches lost broadcasts
 * (B23); holes left by rolled-back writes are waited for, then skipped, never a reason to drop caches (B16); only
 * events really lost to garbage collection are (event_gc.max_deleted_seq).
 */
export { attachBroadcaster, createBroadcaster, DEFAULT_MAX_BODY_BYTES, EVENTS_PATH } from './broadcaster';
export type { Broadcaster, BroadcasterOptions } from './broadcaster';
export { createEventGc, DEFAULT_RETENTION_MS, deleteOldEvents, readMaxDeletedSeq } from './event-gc';
export type { EventGc, EventGcOptions, EventGcResult } from './event-gc';
export { createEventListener, findStartSeq } from './event-listener';
export type { EventListener, EventListenerOptions, EventListenerStatus } from './event-listener';
export { deleteStaleListeners, listListeners, registerListener, unregisterListener } from './listener-registry';
export { silentLogger } from './logger';
export type { EventsLogger } from './logger';
export {
  computeSignature,
  MAX_CLOCK_SKEW_MS,
  serializeBroadcast,
  serializeBroadcasts,
  SIGNATURE_HEADER,
  signBroadcast,
  TIMESTAMP_HEADER,
  verifyBroadcast,
} from './signature';
export type { BroadcastHeaders } from './signature';
export { Watermark } from './watermark';
export type { SkippedRange } from './watermark';
export { sharedEventsSecret } from './shared-secret';
