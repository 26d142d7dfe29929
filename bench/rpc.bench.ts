// RPC benchmark: extension calls against the raw channel they run on, measured in the same run.
// Prints medians and a ratio table; targets from the product brief are in the last column.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ExtensionManager, transfer, type ExtensionHandle } from 'multiverse';
import { alternate, median, printTable, rounds, type Row, type Target } from './support/stats';

interface Bench {
  ping(value: number): number;
  size(array: Float64Array): number;
}

const repoRoot = path.resolve(__dirname, '..', '..');
const fixtures = path.join(repoRoot, 'bench', 'fixtures');
const SAMPLES = rounds();
/** Round trips alternate baseline and candidate often, in short samples: the cores are shared and load comes in bursts. */
const RT_SAMPLES = 21;
const CALLS_PER_SAMPLE = 500;
const PIPELINED = 10_000;

async function samples(run: () => Promise<number>, count = SAMPLES): Promise<number> {
  await run(); // warm-up
  const results: number[] = [];
  for (let i = 0; i < count; i++) results.push(await run());
  return median(results);
}

/** Medians of a baseline and a candidate measured in alternation. */
async function paired(baseline: () => Promise<number>, candidate: () => Promise<number>, count = SAMPLES): Promise<[number, number]> {
  const runs = await alternate(count, baseline, candidate);
  return [median(runs.baseline), median(runs.candidate)];
}

/** Microseconds per sequential round trip. */
function roundTrip(call: () => Promise<unknown>): () => Promise<number> {
  return async () => {
    const start = performance.now();
    for (let i = 0; i < CALLS_PER_SAMPLE; i++) await call();
    return ((performance.now() - start) * 1000) / CALLS_PER_SAMPLE;
  };
}

/**
 * CPU microseconds per call spent by this process, host and worker threads together: far steadier
 * than wall time on shared cores, and it is what the RPC layer adds that matters.
 */
function cpuPerCall(call: () => Promise<unknown>, pipelinedCalls: boolean): () => Promise<number> {
  return async () => {
    const count = pipelinedCalls ? PIPELINED : CALLS_PER_SAMPLE;
    const before = process.cpuUsage();
    if (pipelinedCalls) {
      const calls: Promise<unknown>[] = [];
      for (let i = 0; i < count; i++) calls.push(call());
      await Promise.all(calls);
    } else {
      for (let i = 0; i < count; i++) await call();
    }
    const used = process.cpuUsage(before);
    return (used.user + used.system) / count;
  };
}

/** Calls per second with PIPELINED calls in flight at once. */
function pipelined(call: () => Promise<unknown>): () => Promise<number> {
  return async () => {
    const start = performance.now();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < PIPELINED; i++) calls.push(call());
    await Promise.all(calls);
    return PIPELINED / ((performance.now() - start) / 1000);
  };
}

/** A raw echo channel: the baseline the RPC layer is compared with. */
interface RawChannel {
  request(value: unknown, transferList?: ArrayBuffer[]): Promise<unknown>;
  close(): Promise<void>;
}

function rawChannel(port: { postMessage(v: unknown, t?: ArrayBuffer[]): void; on(e: 'message', l: (v: unknown) => void): unknown }, close: () => Promise<void>): RawChannel {
  // Same bookkeeping a minimal RPC needs: an id per request and a map of waiting resolvers.
  const waiting = new Map<number, (value: unknown) => void>();
  let next = 0;
  port.on('message', (message) => {
    const [id, value] = message as [number, unknown];
    const resolve = waiting.get(id);
    waiting.delete(id);
    resolve?.(value);
  });
  return {
    request(value, transferList) {
      const id = next++;
      return new Promise((resolve) => {
        waiting.set(id, resolve);
        port.postMessage([id, value], transferList);
      });
    },
    close,
  };
}

async function main(): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'multiverse-rpc-bench-'));
  const rawWorkerFile = path.join(scratch, 'raw-worker.js');
  const rawChildFile = path.join(scratch, 'raw-child.js');
  await writeFile(rawWorkerFile, "const { parentPort } = require('node:worker_threads');\nparentPort.on('message', ([id, v]) => parentPort.postMessage([id, v && v.length !== undefined ? v.length : v]));\nparentPort.postMessage('ready');\n");
  await writeFile(rawChildFile, "process.on('message', (m) => { if (Array.isArray(m)) process.send([m[0], m[1]]); });\nprocess.send('ready');\n");
  const manager = new ExtensionManager({ root: fixtures });
  const rows: Row[] = [];
  const atMost = (max: number): Target => ({ max, label: `≤ ${max.toFixed(2)}×` });

  try {
    // --- cold start -------------------------------------------------------------------------
    const bareWorkerStart = async (): Promise<number> => {
      const start = performance.now();
      const worker = new Worker(rawWorkerFile);
      await new Promise((resolve) => worker.once('message', resolve));
      const elapsed = performance.now() - start;
      await worker.terminate();
      return elapsed;
    };
    const bareForkStart = async (): Promise<number> => {
      const start = performance.now();
      const child = fork(rawChildFile, [], { serialization: 'advanced', execArgv: [] });
      await new Promise((resolve) => child.once('message', resolve));
      const elapsed = performance.now() - start;
      child.kill();
      await new Promise((resolve) => child.once('exit', resolve));
      return elapsed;
    };
    let starts = 0;
    const coldStart = (isolation: 'worker' | 'process') => async (): Promise<number> => {
      const name = `cold-${starts++}`;
      const start = performance.now();
      await manager.load({ name, path: 'rpc-bench', isolation });
      const elapsed = performance.now() - start;
      await manager.stop(name);
      return elapsed;
    };
    const [bareWorker, extWorkerStart] = await paired(bareWorkerStart, coldStart('worker'), 9);
    const [bareFork, extProcessStart] = await paired(bareForkStart, coldStart('process'), 9);
    rows.push({ what: 'cold start, worker', value: `${extWorkerStart.toFixed(1)} ms`, baseline: `${bareWorker.toFixed(1)} ms (new Worker)`, ratio: extWorkerStart / bareWorker, target: atMost(1.5) });
    rows.push({ what: 'cold start, process', value: `${extProcessStart.toFixed(1)} ms`, baseline: `${bareFork.toFixed(1)} ms (fork)`, ratio: extProcessStart / bareFork, target: atMost(1.5) });

    // --- round trips and pipelining ----------------------------------------------------------
    const rawWorker = new Worker(rawWorkerFile);
    await new Promise((resolve) => rawWorker.once('message', resolve));
    const worker = rawChannel(rawWorker, async () => void (await rawWorker.terminate()));
    const child: ChildProcess = fork(rawChildFile, [], { serialization: 'advanced', execArgv: [] });
    await new Promise((resolve) => child.once('message', resolve));
    const processChannel = rawChannel(
      { postMessage: (v) => child.send(v as object), on: (e, l) => child.on(e, l) },
      async () => {
        child.kill();
        await new Promise((resolve) => child.once('exit', resolve));
      },
    );
    const extWorker: ExtensionHandle<Bench> = await manager.load<Bench>({ name: 'rt-worker', path: 'rpc-bench', isolation: 'worker' });
    const extProcess: ExtensionHandle<Bench> = await manager.load<Bench>({ name: 'rt-process', path: 'rpc-bench', isolation: 'process' });

    const [rawWorkerRt, extWorkerRt] = await paired(roundTrip(() => worker.request(1)), roundTrip(() => extWorker.ping(1)), RT_SAMPLES);
    const syncRt = await samples(async () => {
      const start = performance.now();
      for (let i = 0; i < CALLS_PER_SAMPLE; i++) extWorker.sync.ping(1);
      return ((performance.now() - start) * 1000) / CALLS_PER_SAMPLE;
    });
    const [rawProcessRt, extProcessRt] = await paired(roundTrip(() => processChannel.request(1)), roundTrip(() => extProcess.ping(1)), RT_SAMPLES);
    rows.push({ what: 'round trip, worker', value: `${extWorkerRt.toFixed(1)} µs`, baseline: `${rawWorkerRt.toFixed(1)} µs (postMessage)`, ratio: extWorkerRt / rawWorkerRt, target: atMost(1.3) });
    rows.push({ what: 'sync call, worker (ext.sync)', value: `${syncRt.toFixed(1)} µs`, baseline: `${rawWorkerRt.toFixed(1)} µs (postMessage)`, ratio: syncRt / rawWorkerRt });
    rows.push({ what: 'round trip, process', value: `${extProcessRt.toFixed(1)} µs`, baseline: `${rawProcessRt.toFixed(1)} µs (fork IPC, advanced)`, ratio: extProcessRt / rawProcessRt, target: atMost(1.3) });

    const [rawWorkerCpu, extWorkerCpu] = await paired(cpuPerCall(() => worker.request(1), false), cpuPerCall(() => extWorker.ping(1), false), RT_SAMPLES);
    const [rawWorkerPipeCpu, extWorkerPipeCpu] = await paired(cpuPerCall(() => worker.request(1), true), cpuPerCall(() => extWorker.ping(1), true), 5);
    rows.push({ what: 'CPU per round trip, worker (both threads)', value: `${extWorkerCpu.toFixed(2)} µs`, baseline: `${rawWorkerCpu.toFixed(2)} µs (postMessage)`, ratio: extWorkerCpu / rawWorkerCpu });
    rows.push({ what: 'CPU per pipelined call, worker', value: `${extWorkerPipeCpu.toFixed(2)} µs`, baseline: `${rawWorkerPipeCpu.toFixed(2)} µs (postMessage)`, ratio: extWorkerPipeCpu / rawWorkerPipeCpu });

    const [rawWorkerPipe, extWorkerPipe] = await paired(pipelined(() => worker.request(1)), pipelined(() => extWorker.ping(1)), 5);
    const [rawProcessPipe, extProcessPipe] = await paired(pipelined(() => processChannel.request(1)), pipelined(() => extProcess.ping(1)), 5);
    const k = (n: number): string => `${(n / 1000).toFixed(0)}k/s`;
    rows.push({ what: 'pipelined calls, worker (time ratio)', value: k(extWorkerPipe), baseline: `${k(rawWorkerPipe)} (postMessage)`, ratio: rawWorkerPipe / extWorkerPipe });
    rows.push({ what: 'pipelined calls, process (time ratio)', value: k(extProcessPipe), baseline: `${k(rawProcessPipe)} (fork IPC)`, ratio: rawProcessPipe / extProcessPipe });

    // --- large typed arrays to a worker -------------------------------------------------------
    for (const mib of [1, 16, 64]) {
      const length = (mib * 1024 * 1024) / 8;
      const shared = new Float64Array(new SharedArrayBuffer(length * 8));
      const sharedMs = await samples(async () => {
        const start = performance.now();
        await extWorker.size(shared);
        return performance.now() - start;
      });
      const transferMs = await samples(async () => {
        const array = new Float64Array(length);
        const start = performance.now();
        await extWorker.size(transfer(array, [array.buffer]));
        return performance.now() - start;
      }, 5);
      const plain = new Float64Array(length);
      const cloneMs = await samples(async () => {
        const start = performance.now();
        await extWorker.size(plain);
        return performance.now() - start;
      }, 5);
      rows.push({ what: `${mib} MiB Float64Array, SharedArrayBuffer`, value: `${sharedMs.toFixed(2)} ms`, baseline: `${cloneMs.toFixed(2)} ms (structured clone)`, ratio: sharedMs / cloneMs, ...(mib === 64 ? { raw: sharedMs, target: { max: 1, of: 'value' as const, label: '≤ 1 ms' } } : {}) });
      rows.push({ what: `${mib} MiB Float64Array, transfer()`, value: `${transferMs.toFixed(2)} ms`, baseline: `${cloneMs.toFixed(2)} ms (structured clone)`, ratio: transferMs / cloneMs });
    }

    // --- memory of idle extensions ------------------------------------------------------------
    const idle = 4;
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = process.memoryUsage().rss;
    for (let i = 0; i < idle; i++) await manager.load({ name: `idle-worker-${i}`, path: 'rpc-bench', isolation: 'worker' });
    gc?.();
    const workerRss = (process.memoryUsage().rss - before) / idle;
    for (let i = 0; i < idle; i++) await manager.load({ name: `idle-process-${i}`, path: 'rpc-bench', isolation: 'process' });
    let childRss = 0;
    for (const info of manager.list()) if (info.name.startsWith('idle-process-') && info.pid !== undefined) childRss += await rssOf(info.pid);
    const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    rows.push({ what: 'RSS per idle extension, worker', value: mb(workerRss), baseline: 'in the host process' });
    rows.push({ what: 'RSS per idle extension, process', value: mb(childRss / idle), baseline: 'child process RSS' });

    await worker.close();
    await processChannel.close();
  } finally {
    await manager.stopAll();
    await rm(scratch, { recursive: true, force: true });
  }

  printTable(
    `medians of ${SAMPLES} samples (round trips: ${RT_SAMPLES} samples of ${CALLS_PER_SAMPLE} sequential calls; pipelining: ${PIPELINED} calls in flight), baseline and candidate alternating; pipelined rows: baseline rate / ours`,
    rows,
  );
}

async function rssOf(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return kb === undefined ? 0 : Number(kb) * 1024;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
