// The graphile-worker peer for Baton's postgres benchmark suite: adds N no-op jobs in batches of 500 (one
// batch after another, as Baton's sender does) while a runner in this process works them, and prints one JSON
// object with the time from the first add until all N jobs are done and their completions are committed.
//
//   node run.js --connection postgres://... --count N [--concurrency C] [--local-queue 500]
//               [--complete-batch-ms 0] [--warmup N] [--schema NAME]
//
// Started by bench/Baton.Bench (Peers/GraphilePeer.cs); progress goes to stderr.
"use strict";
const { run, makeWorkerUtils } = require("graphile-worker");
const { Pool } = require("pg");

function parse(argv) {
  const options = { concurrency: 10, localQueue: 500, completeBatchMs: 0, warmup: 0, schema: "graphile_worker", batch: 500 };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case "--connection": options.connection = value; break;
      case "--count": options.count = Number(value); break;
      case "--concurrency": options.concurrency = Number(value); break;
      case "--local-queue": options.localQueue = Number(value); break;
      case "--complete-batch-ms": options.completeBatchMs = Number(value); break;
      case "--warmup": options.warmup = Number(value); break;
      case "--schema": options.schema = value; break;
      default: throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  if (!options.connection || !(options.count > 0)) {
    throw new Error("usage: node run.js --connection URL --count N [--concurrency C] [--local-queue S] [--complete-batch-ms MS] [--warmup N] [--schema NAME]");
  }
  return options;
}

async function measure(options, count, label) {
  let done = 0;
  let allDone;
  const finished = new Promise((resolve) => { allDone = resolve; });
  const runner = await run({
    connectionString: options.connection,
    schema: options.schema,
    concurrency: options.concurrency,
    noHandleSignals: true,
    pollInterval: 1000,
    taskList: {
      noop: async () => {
        if (++done === count) {
          allDone();
        }
      },
    },
    preset: {
      worker: {
        localQueue: { size: options.localQueue },
        completeJobBatchDelay: options.completeBatchMs,
        failJobBatchDelay: options.completeBatchMs,
      },
    },
    logger: quietLogger(),
  });
  const utils = await makeWorkerUtils({ connectionString: options.connection, schema: options.schema });
  const pool = new Pool({ connectionString: options.connection, max: 1 });
  try {
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    for (let sent = 0; sent < count; sent += options.batch) {
      const n = Math.min(options.batch, count - sent);
      await utils.addJobs(Array.from({ length: n }, () => ({ identifier: "noop", payload: {} })));
    }
    const enqueued = process.hrtime.bigint();
    await finished;
    // A task that returned is not yet a completed job: wait until the completions are committed (the job rows gone).
    for (;;) {
      const { rows } = await pool.query(`select count(*)::int as left from "${options.schema}"._private_jobs`);
      if (rows[0].left === 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    const used = process.cpuUsage(cpu);
    process.stderr.write(`[graphile/${label}] ${count} jobs in ${elapsed.toFixed(2)} s = ${(count / elapsed).toFixed(0)} jobs/s\n`);
    return {
      storage: "postgres",
      count,
      workers: options.concurrency,
      seconds: elapsed,
      enqueueSeconds: Number(enqueued - started) / 1e9,
      jobsPerSecond: count / elapsed,
      cpuMicrosecondsPerJob: (used.user + used.system) / count,
      allocatedBytesPerJob: 0,
    };
  } finally {
    await runner.stop();
    await utils.release();
    await pool.end();
  }
}

function quietLogger() {
  const { Logger } = require("graphile-worker");
  return new Logger(() => (level, message) => {
    if (level === "error" || level === "warning") {
      process.stderr.write(`[graphile] ${level}: ${message}\n`);
    }
  });
}

(async () => {
  const options = parse(process.argv.slice(2));
  if (options.warmup > 0) {
    await measure(options, options.warmup, "warm-up");
  }
  const result = await measure(options, options.count, "measure");
  process.stdout.write(JSON.stringify(result) + "\n");
})().catch((error) => {
  process.stderr.write(`[graphile] failed: ${error && error.stack || error}\n`);
  process.exit(1);
});
