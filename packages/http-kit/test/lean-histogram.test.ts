import { Histogram, Registry } from 'prom-client';
import { LeanHistogram } from '../src/lean-histogram';

test('exposes exactly what a prom-client histogram exposes for the same observations', async () => {
  const buckets = [0.001, 0.01, 0.1, 1];
  const ours = new Registry();
  const theirs = new Registry();
  const lean = new LeanHistogram('latency_seconds', 'Latency', ['service', 'status'], buckets, ours);
  const reference = new Histogram({
    name: 'latency_seconds',
    help: 'Latency',
    labelNames: ['service', 'status'],
    buckets,
    registers: [theirs],
  });
  const observations: Array<[string, string, number]> = [
    ['runtime', '200', 0.0004],
    ['runtime', '200', 0.001],
    ['runtime', '200', 0.05],
    ['runtime', '503', 2],
    ['teams', '200', 0.2],
    ['runtime', '200', 0.0009],
  ];
  for (const [service, status, value] of observations) {
    lean.labels({ service, status }).observe(value);
    reference.labels({ service, status }).observe(value);
  }
  expect(await ours.metrics()).toBe(await theirs.metrics());
  lean.reset();
  reference.reset();
  lean.labels({ service: 'runtime', status: '200' }).observe(0.5);
  reference.labels({ service: 'runtime', status: '200' }).observe(0.5);
  expect(await ours.metrics()).toBe(await theirs.metrics());
});
