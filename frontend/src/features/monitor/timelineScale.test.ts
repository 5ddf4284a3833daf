import { describe, expect, it } from "vitest";

import { formatDuration, formatTick, tickStep, timeScale, timeTicks } from "./timelineScale";

describe("timeScale", () => {
  it("maps the domain's ends onto the range's ends and back", () => {
    const scale = timeScale([0, 10], [100, 600]);
    expect(scale(0)).toBe(100);
    expect(scale(10)).toBe(600);
    expect(scale(5)).toBe(350);
    expect(scale.invert(350)).toBe(5);
  });

  it("widens an empty domain to one second", () => {
    const scale = timeScale([3, 3], [0, 100]);
    expect(scale.domain).toEqual([3, 4]);
    expect(scale(3.5)).toBe(50);
  });
});

describe("ticks", () => {
  it("chooses the smallest step giving at most the wanted number of intervals", () => {
    expect(tickStep(10, 5)).toBe(2);
    expect(tickStep(0.3, 6)).toBe(0.05);
    expect(tickStep(400, 8)).toBe(60);
    expect(tickStep(10 * 86400, 5)).toBe(2 * 86400);
  });

  it("places ticks on multiples of the step inside the domain", () => {
    expect(timeTicks(timeScale([0, 10], [0, 500]), 5)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(timeTicks(timeScale([0.05, 0.3], [0, 500]), 5)).toEqual([0.05, 0.1, 0.15, 0.2, 0.25, 0.3]);
    expect(timeTicks(timeScale([0.05, 0.3], [0, 500]), 2)).toEqual([0.2]);
  });
});

describe("labels", () => {
  it("formats durations in the largest useful unit", () => {
    expect(formatDuration(0.25)).toBe("250 ms");
    expect(formatDuration(3.456)).toBe("3.46 s");
    expect(formatDuration(42.42)).toBe("42.4 s");
    expect(formatDuration(245)).toBe("4 min 05 s");
    expect(formatDuration(7380)).toBe("2 h 03 min");
    expect(formatDuration(-1)).toBe("–");
  });

  it("formats ticks in the step's unit", () => {
    expect(formatTick(0.25, 0.05)).toBe("+250 ms");
    expect(formatTick(30, 10)).toBe("+30 s");
    expect(formatTick(120, 60)).toBe("+2 min");
    expect(formatTick(7200, 3600)).toBe("+2 h");
  });
});
