// @ts-check
/**
 * The bench's output while it runs: its `[bench]` lines, and one progress bar
 * at a time (the bulk load, then the measured runs) drawn by cli-progress
 * below those lines.
 *
 * A bar only makes sense on a terminal. When stdout is not one (CI logs, a
 * file, a pipe), nothing is redrawn: each step of a task becomes a plain
 * line instead, at most one every PLAIN_LINE_MS (and always the last), so a
 * log reads the same story without control characters or a line per tick.
 */
const cliProgress = require('cli-progress');

/** In plain mode, the least time between two progress lines of one task (the last one always prints). */
const PLAIN_LINE_MS = 10_000;

/**
 * @typedef {object} Task
 * @property {(value: number, detail?: string) => void} update  steps done so far, and what is being done now
 * @property {(detail: string) => void} detail  what is being done now (no step done)
 * @property {() => void} done  removes the bar (the lines logged meanwhile stay)
 */

/**
 * @param {{ stream?: NodeJS.WriteStream, prefix?: string, plainLineMs?: number }} [options]
 */
function createProgress(options = {}) {
  const stream = options.stream ?? process.stdout;
  const prefix = options.prefix ?? '[bench]';
  const plainLineMs = options.plainLineMs ?? PLAIN_LINE_MS;
  const drawn = Boolean(stream.isTTY);
  /** @type {cliProgress.MultiBar | null} */
  let bars = null;

  /** A line of the bench's output, above the bar when one is drawn. @param {string} line */
  function say(line) {
    const text = `${prefix} ${line}`;
    if (bars) bars.log(`${text}\n`);
    else stream.write(`${text}\n`);
  }

  function stopBars() {
    if (!bars) return;
    // The lines logged since the last redraw are written by a redraw, not by stop().
    bars.update();
    bars.stop();
    bars = null;
  }

  /**
   * Starts a task of `total` steps (a previous task's bar is removed first).
   * @param {string} label @param {number} total @param {string} unit
   * @returns {Task}
   */
  function start(label, total, unit) {
    stopBars();
    let value = 0;
    let detail = '';
    if (drawn) {
      bars = new cliProgress.MultiBar(
        {
          stream,
          format: `${prefix} ${label} [{bar}] {value}/{total} ${unit} | {duration_formatted} | {detail}`,
          barsize: 24,
          hideCursor: true,
          clearOnComplete: true,
          // The bench stops its processes on Ctrl-C and calls done() on the way out (see index.js).
          gracefulExit: false,
          autopadding: true,
        },
        cliProgress.Presets.shades_classic,
      );
      const bar = bars.create(total, 0, { detail });
      return {
        update(next, nextDetail) {
          value = next;
          if (nextDetail !== undefined) detail = nextDetail;
          bar.update(value, { detail });
        },
        detail(nextDetail) {
          detail = nextDetail;
          bar.update(value, { detail });
        },
        done: stopBars,
      };
    }
    let lastLine = 0;
    return {
      update(next, nextDetail) {
        if (nextDetail !== undefined) detail = nextDetail;
        if (next === value) return;
        value = next;
        const now = Date.now();
        if (value < total && now - lastLine < plainLineMs) return;
        lastLine = now;
        say(`${label}: ${value}/${total} ${unit}${detail ? ` (${detail})` : ''}`);
      },
      detail(nextDetail) {
        detail = nextDetail;
      },
      done() {},
    };
  }

  return { say, start, stop: stopBars, drawn };
}

module.exports = { createProgress, PLAIN_LINE_MS };
