// Elements wider than the viewport, and controls out of reach, at the given width.
// Controls inside a box that scrolls sideways (wide tables) are reachable by scrolling it.
// Evaluated by harness.assert_usable_on_phone as a function of the width.
(width) => {
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && !el.closest('.visually-hidden');
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  const wide = [...document.querySelectorAll('body *')]
    .filter((el) => visible(el) && !scrolls(el) && !el.matches('.skip-link'))
    .filter((el) => { const r = el.getBoundingClientRect(); return r.right > width + 1 || r.left < -1; })
    .slice(0, 10).map(name);
  const controls = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
    .filter((el) => visible(el) && !scrolls(el) && !el.matches('.skip-link'))
    .filter((el) => { const r = el.getBoundingClientRect(); return r.right > width + 1 || r.left < -1; })
    .slice(0, 10).map(name);
  // Text that sticks out of its box (a date that may not wrap) widens the page too.
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n && wide.length < 10; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!n.textContent.trim() || !visible(p) || scrolls(p) || p.closest('.skip-link')) continue;
    const range = document.createRange();
    range.selectNodeContents(n);
    const r = range.getBoundingClientRect();
    if (r.right > width + 1 || r.left < -1) wide.push(name(p) + ' "' + n.textContent.trim().slice(0, 30) + '"');
  }
  return {scrollWidth: document.documentElement.scrollWidth, wide, controls};
}
