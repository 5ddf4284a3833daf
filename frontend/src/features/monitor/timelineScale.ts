// The timeline's time axis: a linear scale from seconds to pixels, "nice" tick steps and
// duration labels. Pure functions, no DOM.

/** Maps seconds (relative to the run's start) to pixels and back. */
export interface TimeScale {
  /** The pixel x of `seconds`. */
  (seconds: number): number;
  /** The seconds at pixel `x`. */
  invert(x: number): number;
  /** [start, end] seconds shown (end > start). */
  domain: readonly [number, number];
  /** [left, right] pixels. */
  range: readonly [number, number];
}

/**
 * A linear scale from `domain` (seconds) onto `range` (pixels). An empty or reversed domain is
 * widened to one second so every value still maps to a finite pixel.
 */
export function timeScale(domain: readonly [number, number], range: readonly [number, number]): TimeScale {
  const start = domain[0];
  const end = domain[1] > start ? domain[1] : start + 1;
  const [left, right] = range;
  const ratio = (right - left) / (end - start);
  const scale = ((seconds: number) => left + (seconds - start) * ratio) as TimeScale;
  scale.invert = (x: number) => start + (x - left) / ratio;
  scale.domain = [start, end];
  scale.range = [left, right];
  return scale;
}

/** Tick steps in seconds: 1-2-5 below a second, then clock-friendly steps. */
const STEPS = [
  0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800,
  3600, 7200, 10800, 21600, 43200, 86400,
];

/** The smallest step of STEPS giving at most `maxTicks` intervals over `span` seconds. */
export function tickStep(span: number, maxTicks: number): number {
  const wanted = span / Math.max(1, maxTicks);
  for (const step of STEPS) if (step >= wanted) return step;
  return Math.ceil(wanted / 86400) * 86400;
}

/** The tick positions (seconds, multiples of the step) within the scale's domain, at most ~maxTicks + 1. */
export function timeTicks(scale: TimeScale, maxTicks: number): number[] {
  const [start, end] = scale.domain;
  const step = tickStep(end - start, maxTicks);
  const ticks: number[] = [];
  for (let index = Math.ceil(start / step - 1e-9); index * step <= end + 1e-9; index += 1) {
    ticks.push(Number((index * step).toFixed(6)));
  }
  return ticks;
}

/** A duration for people: "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 1) return `${Math.round(seconds * 1000)} ms`;
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, "0")} s`;
  const minutes = Math.floor(whole / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, "0")} min`;
}

/** A tick label: seconds from the start, with the unit of the step ("+250 ms", "+30 s", "+2 min"). */
export function formatTick(seconds: number, step: number): string {
  if (step < 1) return `+${Math.round(seconds * 1000)} ms`;
  if (step < 60) return `+${Math.round(seconds)} s`;
  if (step < 3600) return `+${Math.round(seconds / 60)} min`;
  return `+${Math.round(seconds / 3600)} h`;
}
