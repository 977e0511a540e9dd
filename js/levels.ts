/**
 * Load levels of a sweep widget, as the kernel names them: the levels offered
 * (`_choices.load_levels`), the one each configuration is shown at (`_runs_meta[i].load_level`)
 * and the sweep comparison (`sweep_stats`, {} without sweeps). A level is matched by its value
 * (what `load_level` holds) or by its label (what `sweep_stats` points carry): never by
 * re-deriving Python's names here.
 */

import type { EmptyObject, LoadLevel, LoadLevelValue, RunMeta, SweepStats } from "./protocol";

/** `sweep_stats` when it holds a sweep comparison; null for the {} of a widget of runs. */
export function sweepStatsOf(value: SweepStats | EmptyObject | null | undefined): SweepStats | null {
  return value !== null && value !== undefined && "curves" in value ? (value as SweepStats) : null;
}

/** The offered level whose value is `value` (numbers compare by value: 16 = 16.0). */
export function levelByValue(
  levels: readonly LoadLevel[],
  value: LoadLevelValue | null | undefined,
): LoadLevel | undefined {
  if (value === null || value === undefined) return undefined;
  return levels.find((l) => l.value === value);
}

/** The offered level labelled `label` ("concurrency 16": a `sweep_stats` point's label). */
export function levelByLabel(levels: readonly LoadLevel[], label: string): LoadLevel | undefined {
  return levels.find((l) => l.label === label);
}

/** What the panel says of the level it shows. */
export interface LevelInfo {
  /** The level compared (`load_level` when the kernel computed the statistics shown). */
  value: LoadLevelValue;
  /** "concurrency 16". */
  label: string;
  /** Why some configurations are shown at another level (their nearest), one per such. */
  notes: string[];
}

/**
 * The level the statistics of `runs` compare (the runs' metadata and the statistics arrive
 * together, so this is the level of the numbers shown, whatever was chosen since): the level
 * of the configurations that ran it (no `level_note`). null without sweeps.
 */
export function comparedLevel(runs: readonly RunMeta[], levels: readonly LoadLevel[]): LevelInfo | null {
  const at = runs.find((r) => r.level_note === null && r.load_level !== null) ?? runs.find((r) => r.load_level !== null);
  if (at === undefined || at.load_level === null) return null;
  const value = at.load_level;
  return {
    value,
    label: levelByValue(levels, value)?.label ?? String(value),
    notes: runs.map((r) => r.level_note).filter((n): n is string => n !== null),
  };
}

/** The level a click on a point chooses (the point's customdata: a level's value), or null. */
export function levelOfPoint(customdata: unknown): LoadLevelValue | null {
  return typeof customdata === "number" || typeof customdata === "string" ? customdata : null;
}
