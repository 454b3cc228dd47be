import { LRUCache } from 'lru-cache';
import { internalise, type CacheStats } from '@permissions/http-kit';
import { stringBytes } from '../caches/byte-size';
import { parseQuestion, rawFromSearchParams, type Question } from './parse-question';

/** Reference §2.5: a URL of this server's own host names the same resource as its relative form. */
export function internaliseQuestion(question: Question, host: string | undefined): void {
  if (host === undefined) return;
  question.resources = internaliseAll(question.resources, host);
  question.sharingSet = internaliseAll(question.sharingSet, host);
  if (question.subject !== undefined) question.subject = internalise(question.subject, host);
}

/** The same array when nothing names this host (the usual case: no copy of a 1 000-resource list). */
function internaliseAll(values: string[], host: string): string[] {
  let changed: string[] | undefined;
  for (let i = 0; i < values.length; i++) {
    const value = internalise(values[i], host);
    if (value !== values[i]) (changed ??= values.slice())[i] = value;
  }
  return changed ?? values;
}

interface Parsed {
  host: string | undefined;
  question: Readonly<Question>;
}

function freezeQuestion(question: Question): Readonly<Question> {
  Object.freeze(question.resources);
  Object.freeze(question.sharingSet);
  return Object.freeze(question);
}

/**
 * Questions read from query strings, remembered by query string: a gateway asks the same few questions thousands of
 * times a second, and decoding and checking a query cost more than answering it from memory. Parsed questions are
 * frozen (every route only reads them). Bounded in entries and bytes, counted in /metrics; errors are not kept.
 */
export function createQuestionMemo(options: { maxEntries: number; maxBytes: number }) {
  const byResourceName = {
    resource: new LRUCache<string, Parsed>({
      max: options.maxEntries,
      maxSize: Math.max(1, Math.floor(options.maxBytes / 2)),
      sizeCalculation: (parsed, query) => 256 + 3 * stringBytes(query),
    }),
    baseAndPath: new LRUCache<string, Parsed>({
      max: options.maxEntries,
      maxSize: Math.max(1, Math.floor(options.maxBytes / 2)),
      sizeCalculation: (parsed, query) => 256 + 3 * stringBytes(query),
    }),
  };
  const counts = { hits: 0, misses: 0 };

  return {
    /** The question of a query string, as `parseQuestion` reads it, internalised for `host`. */
    fromQuery(query: string, resourceName: 'resource' | 'baseAndPath', host: string | undefined): Readonly<Question> {
      const cache = byResourceName[resourceName];
      const parsed = cache.get(query);
      if (parsed !== undefined && parsed.host === host) {
        counts.hits++;
        return parsed.question;
      }
      counts.misses++;
      const question = parseQuestion(rawFromSearchParams(query), resourceName);
      internaliseQuestion(question, host);
      const frozen = freezeQuestion(question);
      cache.set(query, { host, question: frozen });
      return frozen;
    },
    stats: (): CacheStats => ({
      entries: byResourceName.resource.size + byResourceName.baseAndPath.size,
      bytes: byResourceName.resource.calculatedSize + byResourceName.baseAndPath.calculatedSize,
      maxBytes: options.maxBytes,
      ...counts,
    }),
  };
}

export type QuestionMemo = ReturnType<typeof createQuestionMemo>;
