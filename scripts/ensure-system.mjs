#!/usr/bin/env node
// Makes sure system programs the project shells out to are present: `node scripts/ensure-system.mjs
// ffmpeg redis-server`. On Debian/Ubuntu, missing ones are installed with apt-get (as root, or
// through sudo without a password); elsewhere we say what to install and carry on.
// Plain JS on purpose: it runs at `npm install`, possibly on an older Node.
import { execFileSync, spawnSync } from 'node:child_process';

/** program name -> Debian package that provides it */
const PACKAGES = { ffmpeg: 'ffmpeg', ffprobe: 'ffmpeg', 'redis-server': 'redis-server' };

const has = (program) => spawnSync('sh', ['-c', `command -v ${program}`], { stdio: 'ignore' }).status === 0;

const wanted = process.argv.slice(2);
const missing = wanted.filter((program) => !has(program));
if (missing.length === 0) process.exit(0);

const packages = [...new Set(missing.map((program) => PACKAGES[program] ?? program))];
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const sudo = !isRoot && has('sudo') && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' }).status === 0;
if (!has('apt-get') || (!isRoot && !sudo)) {
  console.warn(`cratedigger: please install ${packages.join(', ')} (missing: ${missing.join(', ')}); decoding and workers need them.`);
  process.exit(process.env.CI ? 1 : 0);
}

const run = (args) => execFileSync(sudo ? 'sudo' : args[0], sudo ? args : args.slice(1), {
  stdio: 'inherit',
  env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
});
console.log(`cratedigger: installing ${packages.join(', ')} with apt-get`);
run(['apt-get', 'update', '-qq']);
run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...packages]);
const still = missing.filter((program) => !has(program));
if (still.length > 0) {
  console.error(`cratedigger: ${still.join(', ')} still missing after apt-get install`);
  process.exit(1);
}
