/**
 * Where the keyboard goes when the control that held it is removed: a deleted secret's row, a
 * forgotten client's card, the killswitch banner once disengaged. Left alone, the browser drops focus
 * on the page itself and the next Tab starts over at the top; this moves it to the heading of the
 * nearest part of the page that is still there, which a screen reader also reads out.
 */

/** The chain of `element`'s ancestors, nearest first: taken while it is still in the page. */
export function ancestorsOf(element: Element): Element[] {
  const chain: Element[] = [];
  for (let node = element.parentElement; node !== null; node = node.parentElement) chain.push(node);
  return chain;
}

/**
 * Focuses the first heading inside the nearest of `ancestors` still in the page (or that ancestor),
 * unless something else already holds the focus. The heading becomes focusable by script only.
 */
export function rescueFocus(ancestors: readonly Element[]): void {
  const active = document.activeElement;
  if (active !== null && active !== document.body && active.isConnected) return;
  for (const ancestor of ancestors) {
    if (!ancestor.isConnected) continue;
    const heading = ancestor.querySelector<HTMLElement>('h1, h2, h3, h4');
    if (heading === null) continue;
    if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
    heading.focus();
    return;
  }
}
