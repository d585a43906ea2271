import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';
import { workspaceRoot } from '@qingting/prisma';

export interface LoadResult {
  requestsPerSec: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  non2xx: number;
  errors: number;
}

/**
 * A bounded load on a loopback URL: fixed connections and duration, then it stops. The load is
 * generated in a worker thread, so it does not share the event loop of the server under test
 * (the servers run in this process).
 */
export async function load(url: string, seconds: number, connections = 32): Promise<LoadResult> {
  const r = await autocannon({ url, connections, duration: seconds, pipelining: 1, workers: 1 });
  return {
    requestsPerSec: Math.round(r.requests.average),
    latencyP50Ms: r.latency.p50,
    latencyP99Ms: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
  };
}

/** Prints a table and writes `artifacts/bench/<name>.json`. */
export function report(name: string, rows: Record<string, unknown>[], notes: Record<string, unknown> = {}): void {
  console.log(`\n## ${name}`);
  console.table(rows);
  const dir = path.join(workspaceRoot(), 'artifacts', 'bench');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), rows, ...notes }, null, 2));
}

/** Starts a bare `node:http` handler on a free loopback port: the frameworkless baselines. */
export function serveBare(handler: http.RequestListener): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}
