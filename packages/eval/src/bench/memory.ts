import { readFileSync, writeFileSync } from 'node:fs';

function statusField(field: string): number | null {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Peak resident set size of this process so far, bytes (Linux VmHWM, else getrusage maxRSS). */
export function peakRssBytes(): number {
  return statusField('VmHWM') ?? process.resourceUsage().maxRSS * 1024;
}

/** Current resident set size, bytes. */
export function currentRssBytes(): number {
  return statusField('VmRSS') ?? process.memoryUsage().rss;
}

/**
 * Reset the peak-RSS high-water mark to the current RSS (Linux: write 5 to /proc/self/clear_refs),
 * so a later `peakRssBytes()` covers only what ran in between. Returns false where unsupported.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}
