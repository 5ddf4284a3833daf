// jsdom lacks what React Flow measures with; unit tests that render a graph import this module first.
class ResizeObserverStub {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
}

if (!("ResizeObserver" in globalThis)) {
  (globalThis as unknown as { ResizeObserver: unknown }).ResizeObserver = ResizeObserverStub;
}
if (!("DOMMatrixReadOnly" in globalThis)) {
  (globalThis as unknown as { DOMMatrixReadOnly: unknown }).DOMMatrixReadOnly = class {
    m22 = 1;
    constructor(transform?: string) {
      const scale = transform?.match(/scale\(([\d.]+)\)/)?.[1];
      this.m22 = scale === undefined ? 1 : Number(scale);
    }
  };
}
// Edge labels measure their text; jsdom's SVG elements have no geometry.
if (typeof SVGElement !== "undefined" && !("getBBox" in SVGElement.prototype)) {
  (SVGElement.prototype as unknown as { getBBox(): DOMRect }).getBBox = () =>
    ({ x: 0, y: 0, width: 0, height: 0, top: 0, left: 0, right: 0, bottom: 0, toJSON: () => ({}) }) as DOMRect;
}
// graph/layout.ts imports elkjs on the first layout; loading it (~0.5 s here) before the tests
// start keeps that out of the first test's wait for the drawn graph.
await import("elkjs/lib/elk.bundled.js");
export {};
