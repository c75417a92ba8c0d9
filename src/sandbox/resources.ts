/**
 * What `npm start` has started so far, stopped in reverse order on every way out: Ctrl-C, a worker that
 * stops, and a start that fails half-way (a port already in use), which used to exit with the Temporal
 * dev server still running and holding its ports (issue 25). Each stop runs even when an earlier one fails.
 */
export class StartedResources {
  private readonly stops: { name: string; stop: () => Promise<unknown> }[] = [];

  /** Remember how to stop `value` (already started) and hand it back. */
  add<T>(name: string, value: T, stop: (v: T) => Promise<unknown>): T {
    this.stops.push({ name, stop: () => stop(value) });
    return value;
  }

  /** Stop everything started, last first; the names of those whose stop failed, with why. */
  async stopAll(): Promise<string[]> {
    const failed: string[] = [];
    for (let r = this.stops.pop(); r; r = this.stops.pop()) {
      try {
        await r.stop();
      } catch (err) {
        failed.push(`${r.name}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return failed;
  }
}
