#!/usr/bin/env node
// @ts-check
/**
 * The raw baseline: node:http and pg, nothing else, answering the
 * benchmark's four read scenarios with the same JSON Strapi sends (built by
 * one SQL statement per request, see raw-queries.js). It runs as many
 * processes as BENCH_WORKERS says (node:cluster, sharing the port), with a
 * pool of 10 connections each, like Strapi's default.
 *
 * Environment: BENCH_DATABASE_URL, BENCH_PORT, BENCH_WORKERS.
 */
const http = require('node:http');
const { Pool } = require('pg');
const queries = require('./raw-queries');
const { GRAPHQL_QUERY, PAGE_SIZE } = require('./scenarios');
const { serveOnWorkers } = require('./workers');

const port = Number(process.env.BENCH_PORT);

serveOnWorkers(serve);

function serve() {
  const pool = new Pool({ connectionString: process.env.BENCH_DATABASE_URL, max: 10 });

  /**
   * @param {http.ServerResponse} res
   * @param {string} name
   * @param {string} text
   * @param {unknown[]} values
   * @param {string} [trailer] what follows the JSON (Apollo ends GraphQL answers with a newline)
   */
  async function answer(res, name, text, values, trailer = '') {
    // A named statement is prepared once per connection, as an ORM would do.
    const { rows } = await pool.query({ name, text, values });
    const body = JSON.stringify(rows[0].body) + trailer;
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'X-SQL-Statements': '1',
    });
    res.end(body);
  }

  /** @param {http.ServerResponse} res @param {number} status @param {string} message */
  function fail(res, status, message) {
    const body = JSON.stringify({ error: { status, message } });
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://raw');
    const params = url.searchParams;
    /** @type {Promise<void> | null} */
    let work = null;
    if (req.method === 'GET' && url.pathname === '/_health') {
      res.writeHead(204).end();
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/articles' && params.get('pagination[pageSize]') === String(PAGE_SIZE)) {
      const populated = params.get('populate[people]') === 'true' && params.get('populate[events]') === 'true';
      work = populated
        ? answer(res, 'list-populated', queries.listPopulatedQuery, [PAGE_SIZE, 1])
        : answer(res, 'list', queries.listQuery, [PAGE_SIZE, 1]);
    } else if (req.method === 'GET' && url.pathname === '/api/articles' && params.has('filters[slug][$eq]')) {
      work = answer(res, 'one-by-slug', queries.oneBySlugQuery, [PAGE_SIZE, 1, params.get('filters[slug][$eq]')]);
    } else if (req.method === 'POST' && url.pathname === '/graphql') {
      /** @type {Buffer[]} */
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        let query = '';
        try {
          query = JSON.parse(Buffer.concat(chunks).toString('utf8')).query;
        } catch {
          // answered below
        }
        if (query !== GRAPHQL_QUERY) return fail(res, 400, 'the raw baseline answers only the benchmark query');
        answer(res, 'graphql-articles', queries.graphqlArticlesQuery, [PAGE_SIZE, PAGE_SIZE], '\n').catch((error) =>
          fail(res, 500, String(error)),
        );
      });
      return;
    } else {
      fail(res, 404, 'not a benchmark request');
      return;
    }
    work.catch((error) => fail(res, 500, String(error)));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(port, '127.0.0.1');
  process.on('SIGTERM', () => {
    server.close();
    pool.end().finally(() => process.exit(0));
  });
}
