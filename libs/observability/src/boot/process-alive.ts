// Imports nothing: the broker's detached watchdog loads it without the rest of the library.

/** Whether a process with this pid exists; EPERM means it does, as another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
