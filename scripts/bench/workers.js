// @ts-check
/**
 * Runs a baseline server (raw or ceiling) in BENCH_WORKERS processes sharing
 * its port, as `npm start` runs the CMS. A worker that dies ends the whole
 * server, so the harness sees the failed requests instead of a quieter target.
 */
// The typings describe the ES module's default export; require() returns that object itself.
const cluster = /** @type {import('node:cluster').Cluster} */ (/** @type {unknown} */ (require('node:cluster')));

/** @param {() => void} serve starts one process's server */
function serveOnWorkers(serve) {
  const workers = Math.max(1, Number(process.env.BENCH_WORKERS ?? 1));
  if (!cluster.isPrimary || workers === 1) {
    serve();
    return;
  }
  for (let i = 0; i < workers; i++) cluster.fork();
  cluster.on('exit', () => process.exit(1));
  process.on('SIGTERM', () => {
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    process.exit(0);
  });
}

module.exports = { serveOnWorkers };
