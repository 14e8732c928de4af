#!/usr/bin/env node
// Runs at `npm install` on whatever Node the user has (so: plain JS, Node 18+ syntax).
// Cratedigger needs Node >= 22.12 (@discordjs/voice 0.19 with DAVE, vitest 4, tfjs wasm).
// A user who already has it keeps theirs. Otherwise we fetch the official Node 22 binary from
// the npm registry (the `node-<platform>-<arch>` packages) and link it as node_modules/.bin/node,
// which npm puts first on PATH for every `npm run`/`npm test`/`npx` of this project.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, symlinkSync, lstatSync, unlinkSync } from 'node:fs';
import { join, relative } from 'node:path';

const REQUIRED = [22, 12];
const RUNTIME_SPEC = '22'; // newest 22.x LTS on the registry
const root = process.cwd();
const runtimeDir = join(root, '.node-runtime');
const binDir = join(root, 'node_modules', '.bin');
const linkPath = join(binDir, 'node');

function satisfies(version) {
  const [major, minor] = version.replace(/^v/, '').split('.').map(Number);
  return major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1]);
}

function versionOf(binary) {
  try {
    return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

if (satisfies(process.versions.node)) {
  process.exit(0);
}

const runtimeBinary = join(runtimeDir, 'package', 'bin', 'node');
const existing = existsSync(runtimeBinary) ? versionOf(runtimeBinary) : undefined;
if (!existing || !satisfies(existing)) {
  if (process.platform === 'win32') {
    console.error(`cratedigger: Node ${process.version} is too old; install Node >= 22.12 and run npm install again.`);
    process.exit(1);
  }
  const pkg = `node-${process.platform}-${process.arch}@${RUNTIME_SPEC}`;
  console.log(`cratedigger: Node ${process.version} is older than ${REQUIRED.join('.')}; fetching ${pkg} from the npm registry`);
  rmSync(runtimeDir, { recursive: true, force: true });
  mkdirSync(runtimeDir, { recursive: true });
  execFileSync('npm', ['pack', pkg, '--silent', '--pack-destination', runtimeDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = readdirSync(runtimeDir).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack ${pkg} produced no tarball`);
  execFileSync('tar', ['-xzf', join(runtimeDir, tarball), '-C', runtimeDir]);
  rmSync(join(runtimeDir, tarball));
}

mkdirSync(binDir, { recursive: true });
try {
  if (lstatSync(linkPath)) unlinkSync(linkPath);
} catch {
  // no previous link
}
symlinkSync(relative(binDir, runtimeBinary), linkPath);
console.log(`cratedigger: npm scripts of this project now run on ${versionOf(linkPath)} (${relative(root, runtimeBinary)})`);
