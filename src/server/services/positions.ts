/** Something an admin orders by hand on the tablet: a reason, a topic. */
type Positioned = { id: string; position: number };

/**
 * The branch's list with `moved` at `position` (1-based, clamped to the end), numbered
 * 1, 2, 3…: the reasons and topics lists move an item the same way.
 */
export function reorder<T extends Positioned>(list: readonly T[], moved: T, position: number): T[] {
  const others = list.filter((item) => item.id !== moved.id);
  const index = Math.min(position, others.length + 1) - 1;
  return [...others.slice(0, index), moved, ...others.slice(index)].map((item, i) => ({ ...item, position: i + 1 }));
}
