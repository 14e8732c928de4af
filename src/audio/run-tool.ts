import { spawn } from 'node:child_process';

/** How a child process ended. */
export interface ToolResult {
  /** Exit code, or null when it was killed by a signal. */
  exitCode: number | null;
  /** True when the caller's `onStdout` or `onStderr` asked to stop and the child was killed for it. */
  stopped: boolean;
  /** The last few KiB of stderr, for error classification and logs. */
  stderr: string;
}

/** How {@link runTool} starts and feeds a child process. */
export interface ToolRun {
  /** Kills the child (SIGKILL) when aborted; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
  /** Receives stdout chunks; returning false kills the child and ignores further output. */
  onStdout: (chunk: Buffer) => boolean;
  /** Receives stderr as it arrives (UTF-8); returning false kills the child, as `onStdout`. */
  onStderr?: (text: string) => boolean;
}

const STDERR_TAIL_BYTES = 8 * 1024;

/**
 * Runs `command` with `args` (no shell) and settles only once the child has exited and its pipes
 * have closed, so that no child outlives the call. Rejects when the child cannot be started or
 * when `run.signal` aborts.
 */
export function runTool(command: string, args: readonly string[], run: ToolRun): Promise<ToolResult> {
  run.signal.throwIfAborted();
  return new Promise<ToolResult>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    let stopped = false;
    let stderr = '';
    let spawnError: Error | undefined;

    const kill = (): void => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    };
    const onAbort = (): void => kill();
    run.signal.addEventListener('abort', onAbort, { once: true });

    child.on('error', (error) => {
      spawnError ??= error;
      kill();
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (!run.onStdout(chunk)) {
        stopped = true;
        kill();
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      stderr = (stderr + text).slice(-STDERR_TAIL_BYTES);
      if (!stopped && run.onStderr?.(text) === false) {
        stopped = true;
        kill();
      }
    });

    child.on('close', (exitCode) => {
      run.signal.removeEventListener('abort', onAbort);
      if (spawnError) reject(new Error(`Could not run ${command}: ${spawnError.message}`, { cause: spawnError }));
      else if (run.signal.aborted) reject(abortReason(run.signal));
      else resolve({ exitCode, stopped, stderr });
    });
  });
}

function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(String(reason));
}
