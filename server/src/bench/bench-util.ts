import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { type SqlReader, workspaceRoot } from '@qingting/prisma';

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

/** The compiled entry points the benchmarks start as separate processes. */
export const ENTRY = {
  app: path.join(__dirname, '..', 'main.js'),
  simulator: path.join(__dirname, '..', 'wechat-sim', 'main.js'),
};

export interface BenchProcess {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `entry` (the app or the simulator) as its own Node process and waits until `readyPath`
 * answers 2xx: a server under test must not share the load generator's event loop or CPU
 * accounting. Its output goes to the bench's stderr only when it fails to start.
 */
export async function startProcess(entry: string, port: number, env: Record<string, string>, readyPath: string): Promise<BenchProcess> {
  const child: ChildProcess = spawn(process.execPath, [entry], { env: { ...process.env, NODE_OPTIONS: '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; !(await fetch(url + readyPath).then((r) => r.ok, () => false)); tries++) {
    if (tries > 300 || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`${path.basename(entry)} did not start:\n${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/**
 * CPU (ms) of each of `pids`, and of the PostgreSQL backends serving `databaseUrl` together
 * (the apps' connections and the bench's few reads), over `fn`. A backend that exits meanwhile is missed.
 */
export async function cpuOver<T>(pids: number[], sql: SqlReader, databaseUrl: string, fn: () => Promise<T>): Promise<{ result: T; cpuMs: number[]; dbCpuMs: number }> {
  const name = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
  const backends = async () => (await sql.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [name])).map((r) => r.pid);
  const before = new Map((await backends()).map((pid) => [pid, cpuTicks(pid)]));
  const start = pids.map(cpuTicks);
  const result = await fn();
  const cpuMs = pids.map((pid, i) => ((cpuTicks(pid) - start[i]) * 1000) / CLOCK_TICKS);
  let db = 0;
  for (const pid of new Set([...before.keys(), ...(await backends())])) db += Math.max(0, cpuTicks(pid) - (before.get(pid) ?? 0));
  return { result, cpuMs, dbCpuMs: (db * 1000) / CLOCK_TICKS };
}

/** USER_HZ on Linux: `cpuTicks` counts hundredths of a second. */
const CLOCK_TICKS = 100;

/** utime + stime of a process, in clock ticks (USER_HZ, 100 on Linux); 0 once it is gone. */
export function cpuTicks(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** Deletes a benchmark's Redis keys (everything under its key prefix). */
export async function dropKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const PROFILER_PRELOAD = `
const inspector = require('node:inspector');
const fs = require('node:fs');
const path = require('node:path');
const session = new inspector.Session();
session.connect();
session.post('Profiler.enable');
session.post('Profiler.setSamplingInterval', { interval: 1000 });
session.post('Profiler.start');
const wallStart = Date.now();
process.on('exit', () => session.post('Profiler.stop', (err, { profile }) => {
  if (!err) fs.writeFileSync(path.join(process.env.BENCH_CPU_PROF_DIR, 'app-' + process.pid + '.cpuprofile'), JSON.stringify({ ...profile, wallStart }));
}));
`;

/**
 * With BENCH_CPU_PROF_DIR set, the environment that makes a started app write a V8 CPU profile
 * there on exit (`app-<pid>.cpuprofile`, with `wallStart` = Date.now() at its start, to cut out
 * the measured window); without it, nothing. `--cpu-prof` is not allowed in NODE_OPTIONS, so a
 * preload (written into `scratchDir`) starts the profiler through `node:inspector`.
 */
export function cpuProfileEnv(scratchDir: string): Record<string, string> {
  const out = process.env.BENCH_CPU_PROF_DIR;
  if (!out) return {};
  const preload = path.join(scratchDir, 'profiler.js');
  fs.writeFileSync(preload, PROFILER_PRELOAD);
  return { NODE_OPTIONS: `--require ${preload}`, BENCH_CPU_PROF_DIR: path.resolve(out) };
}
