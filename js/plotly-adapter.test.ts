import { describe, expect, it } from "vitest";
import { placeBelowTopLayer } from "./plotly-adapter";

/** Just enough of a DOM node for placeBelowTopLayer; counts the insertions it makes. */
class FakeNode {
  parentNode: FakeNode | null = null;
  readonly children: FakeNode[] = [];
  readonly classes = new Set<string>();
  readonly classList = {
    contains: (c: string): boolean => this.classes.has(c),
    add: (c: string): void => void this.classes.add(c),
  };
  inserts = 0;
  get nextSibling(): FakeNode | null {
    const siblings = this.parentNode?.children ?? [];
    return siblings[siblings.indexOf(this) + 1] ?? null;
  }
  insertBefore(node: FakeNode, before: FakeNode): void {
    this.inserts += 1;
    node.parentNode?.children.splice(node.parentNode.children.indexOf(node), 1);
    this.children.splice(this.children.indexOf(before), 0, node);
    node.parentNode = this;
  }
  append(node: FakeNode): void {
    this.children.push(node);
    node.parentNode = this;
  }
}

describe("overlays below plotly's top layer", () => {
  it("places two overlays below the top layer and leaves them there on every redraw", () => {
    // a graph as plotly leaves it: the main SVG, then the top layer (`_toppaper`)
    const container = new FakeNode();
    const main = new FakeNode();
    const top = new FakeNode();
    container.append(main);
    container.append(top);
    const gd = Object.assign(new FakeNode(), { _fullLayout: { _toppaper: { node: () => top } } });
    const [canvas, veil] = [new FakeNode(), new FakeNode()];
    const place = (el: FakeNode): void => placeBelowTopLayer(gd as unknown as HTMLElement, el as unknown as Element);
    place(canvas);
    place(veil);
    expect(container.children).toEqual([main, canvas, veil, top]);
    expect(container.inserts).toBe(2);
    // every brush step redraws both: neither moves (a move restyles and re-lays out the page)
    for (let step = 0; step < 3; step++) {
      place(canvas);
      place(veil);
    }
    expect(container.inserts).toBe(2);
    expect(container.children).toEqual([main, canvas, veil, top]);
  });
});
