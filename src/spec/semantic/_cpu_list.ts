/**
 * Reads a CPU or memory node list as the spec writes it ("0-3,7"), after the
 * schema checked its form: returns the ranges, or the first range whose start
 * is above its end.
 *
 * @example
 * ```ts
 * import { cpuListRanges } from "./_cpu_list.ts";
 * cpuListRanges("0-3,7"); // { ranges: [[0, 3], [7, 7]] }
 * cpuListRanges("3-1");   // { ranges: [[3, 1]], reversed: "3-1" }
 * ```
 */
export function cpuListRanges(list: string): { ranges: [number, number][]; reversed?: string } {
  const ranges: [number, number][] = [];
  let reversed: string | undefined;
  for (const part of list.split(",")) {
    if (part === "") continue;
    const [a, b = a] = part.split("-").map(Number) as [number, number?];
    ranges.push([a, b]);
    if (reversed === undefined && a > b) reversed = part;
  }
  return reversed === undefined ? { ranges } : { ranges, reversed };
}
