/**
 * Transparent huge pages for the processes that read large arrays.
 *
 * A whole-array read fills a fresh buffer as large as the data. The kernel maps it on first
 * touch, one 4 KiB page at a time unless the memory is marked for huge pages; on a VM a first
 * touch can cost microseconds, so 400 MB of 4 KiB pages takes longer than copying the bytes.
 * numpy marks its own large allocations (madvise MADV_HUGEPAGE); Node cannot call madvise, but
 * glibc's malloc does it for its large mappings when the `glibc.malloc.hugetlb=1` tunable is
 * set, and tunables are read only when a process starts. So the processes Loss Lens starts for
 * heavy reading (the CLI's reading commands, the data process) are started with it.
 */
import { readFileSync } from 'node:fs';

export const HUGE_PAGES_TUNABLE = 'glibc.malloc.hugetlb=1';

/** Set to 0 to keep the environment as it is (no tunable added, no re-executed CLI). */
export const HUGE_PAGES_OPT_OUT = 'LOSS_LENS_HUGE_PAGES';

/**
 * The environment a reading process should start with, or undefined when it should start with
 * `env` unchanged: not Linux, transparent huge pages not in `madvise` mode (`always` gives them
 * to every large mapping anyway, `never` to none), the user already chose a hugetlb setting,
 * or opted out. Other glibc tunables the user set are kept.
 */
export function hugePagesEnvironment(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, thpMode: () => string | undefined = transparentHugePagesMode): NodeJS.ProcessEnv | undefined {
  if (platform !== 'linux' || env[HUGE_PAGES_OPT_OUT] === '0') return undefined;
  const tunables = env.GLIBC_TUNABLES ?? '';
  if (/(^|:)glibc\.malloc\.hugetlb=/.test(tunables)) return undefined;
  const mode = thpMode();
  if (mode !== 'madvise') return undefined;
  return { ...env, GLIBC_TUNABLES: tunables ? `${tunables}:${HUGE_PAGES_TUNABLE}` : HUGE_PAGES_TUNABLE };
}

/** The kernel's transparent huge page mode (always, madvise or never), undefined when it has none. */
export function transparentHugePagesMode(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}
