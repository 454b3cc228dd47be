import type { Registry } from 'prom-client';

/** One series of a histogram: what `observe` updates on the hot path. */
export interface HistogramChild {
  observe(value: number): void;
}

interface Series {
  labels: Record<string, string>;
  counts: number[];
  sum: number;
  count: number;
}

/**
 * A Prometheus histogram whose `observe` is a bucket search and three additions. prom-client's own validates and
 * hashes the labels on every observation, even through a child, which cost the hot path more than its question.
 * Exposed in the same registry, in the same text format (cumulative `_bucket`, `_sum`, `_count`).
 */
export class LeanHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private series = new Map<string, Series>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
    private readonly buckets: readonly number[],
    registry: Registry,
  ) {
    registry.registerMetric(this as never);
  }

  /** The series of these label values (resolve once, observe many times). */
  labels(values: Record<string, string>): HistogramChild {
    const key = this.labelNames.map((name) => values[name] ?? '').join('\u0000');
    let series = this.series.get(key);
    if (series === undefined) {
      series = { labels: { ...values }, counts: new Array<number>(this.buckets.length + 1).fill(0), sum: 0, count: 0 };
      this.series.set(key, series);
    }
    const found = series;
    const { buckets } = this;
    return {
      observe(value: number): void {
        let i = 0;
        while (i < buckets.length && value > buckets[i]) i++;
        found.counts[i] += 1;
        found.sum += value;
        found.count += 1;
      },
    };
  }

  get() {
    const values: Array<{ labels: Record<string, string | number>; value: number; metricName: string }> = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      // As prom-client: a series appears once observed (a reset forgets it until observed again).
      if (count === 0) continue;
      let cumulative = 0;
      for (let i = 0; i < this.buckets.length; i++) {
        cumulative += counts[i];
        values.push({
          labels: { le: this.buckets[i], ...labels },
          value: cumulative,
          metricName: `${this.name}_bucket`,
        });
      }
      values.push({ labels: { le: '+Inf', ...labels }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    for (const series of this.series.values()) {
      series.counts.fill(0);
      series.sum = 0;
      series.count = 0;
    }
  }
}
