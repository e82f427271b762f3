// The two processes the benchmark runs: `plenary serve --demo` on
// 127.0.0.1 port 0, and Debian's Chromium for Lighthouse with a fresh
// profile. Each is started by us and stopped by its own process id.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const kChromium = process.env.PLENARY_CHROMIUM ?? '/usr/bin/chromium';
// The flags every Chromium of this benchmark gets (no GPU, no background
// traffic of its own, nothing fetched from outside).
export const kChromiumFlags = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Resolves with the first match of `pattern` in what `stream` prints, or
// rejects when the process exits or the deadline passes.
function waitForOutput(child, stream, pattern, what, timeoutMs) {
  return new Promise((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => done(new Error(`${what}: nothing after ${timeoutMs / 1000} s:\n${text.slice(-4000)}`)), timeoutMs);
    const onData = (d) => {
      text += d;
      const m = pattern.exec(text);
      if (m) done(null, { match: m, text });
    };
    const onExit = (code, signal) => done(new Error(`${what} exited (${code ?? signal}):\n${text.slice(-4000)}`));
    function done(error, value) {
      clearTimeout(timer);
      stream.off('data', onData);
      child.off('exit', onExit);
      if (error) reject(error);
      else resolve(value);
    }
    stream.on('data', onData);
    child.once('exit', onExit);
  });
}

// Stops a child we started (its whole process group when it leads one)
// and waits for it to go.
async function stopChild(child, { group = false } = {}) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const signal = (name) => {
    try {
      if (group) process.kill(-child.pid, name);
      else child.kill(name);
    } catch {
      /* already gone */
    }
  };
  signal('SIGTERM');
  const timer = setTimeout(() => signal('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// `plenary serve --demo` with a fresh data directory; resolves once the
// banner ("Stop with Ctrl+C.") is printed, with the URL, the live demo's
// room and session (null with `encoder: false`), and stop().
export async function startPlenary({ binary, staticDir, encoder }) {
  const dataDir = await mkdtemp(join(tmpdir(), 'plenary-bench-web-'));
  const args = ['serve', '--demo', '--port', '0', '--address', '127.0.0.1', '--data-dir', dataDir,
    '--static-dir', staticDir, '--srt-port-base', '0', '--log-level', 'warn'];
  if (!encoder) args.push('--no-demo-encoder');
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stderr.on('data', (d) => {
    logs = (logs + d).slice(-100_000);
  });
  let banner;
  try {
    ({ text: banner } = await waitForOutput(child, child.stdout, /Stop with Ctrl\+C\./, 'plenary', 120_000));
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw new Error(`${error.message}\n${logs.slice(-4000)}`);
  }
  child.stdout.resume();
  const url = /running at (\S+)/.exec(banner)[1].replace(/\/$/, '');
  const live = /Live demo:\s+(\S+\/live\/[^/]+\/(\d+)\/master\.m3u8) \(session (\d+)/.exec(banner);
  return {
    url,
    pid: child.pid,
    live: live ? { playlist: live[1], room: Number(live[2]), session: Number(live[3]) } : null,
    logs: () => logs,
    async stop() {
      await stopChild(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

// Debian's Chromium with a fresh --user-data-dir and the DevTools protocol
// on a port of its choosing; resolves with that port and stop().
export async function startChromium() {
  const profile = await mkdtemp(join(tmpdir(), 'plenary-bench-chromium-'));
  const child = spawn(kChromium, [...kChromiumFlags, `--user-data-dir=${profile}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true, // its own process group: the wrapper script, the browser and its helpers
  });
  try {
    const { match } = await waitForOutput(child, child.stderr, /DevTools listening on ws:\/\/[^:]+:(\d+)\//, 'chromium', 60_000);
    child.stderr.resume();
    return {
      port: Number(match[1]),
      async stop() {
        await stopChild(child, { group: true });
        await rm(profile, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await stopChild(child, { group: true });
    await rm(profile, { recursive: true, force: true });
    throw error;
  }
}
