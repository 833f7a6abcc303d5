#!/usr/bin/env node
// @ts-check
/**
 * The ceiling: node:http sending each scenario's recorded response bytes
 * (Strapi's own answer, recorded by the harness) from memory. No work per
 * request beyond a map lookup, so it shows what this machine's HTTP stack
 * and the load generator can do at most.
 *
 * Environment: BENCH_RESPONSES (a JSON file of { method, path, contentType,
 * body (base64) }), BENCH_PORT, BENCH_WORKERS.
 */
const fs = require('node:fs');
const http = require('node:http');
const { serveOnWorkers } = require('./workers');

const port = Number(process.env.BENCH_PORT);

serveOnWorkers(() => {
  /** @type {Array<{ method: string, path: string, contentType: string, body: string }>} */
  const recorded = JSON.parse(fs.readFileSync(String(process.env.BENCH_RESPONSES), 'utf8'));
  /** @type {Map<string, { body: Buffer, headers: Record<string, string | number> }>} */
  const responses = new Map();
  for (const entry of recorded) {
    const body = Buffer.from(entry.body, 'base64');
    responses.set(`${entry.method} ${entry.path}`, {
      body,
      headers: { 'Content-Type': entry.contentType, 'Content-Length': body.length, 'X-SQL-Statements': 0 },
    });
  }

  const server = http.createServer((req, res) => {
    if (req.url === '/_health') {
      res.writeHead(204).end();
      return;
    }
    const response = responses.get(`${req.method} ${req.url}`);
    // The request body (GraphQL) is read to its end before answering, as any server must.
    req.resume();
    req.on('end', () => {
      if (!response) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, response.headers);
      res.end(response.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    process.exit(0);
  });
});
