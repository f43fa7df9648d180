// ccg-site serve: live reload. Served only by `ccg-site serve` and linked only into the HTML it
// serves, never into a built site. The page knows the version it was built from
// (data-version); the server sends the current version when the browser connects and every new
// version after each rebuild, once it is in place, with the pages that changed. When this page
// changed (or on a different version at connection), the page saves its
// scroll position for this tab (sessionStorage) and reloads; the reloaded page scrolls back.
(() => {
  'use strict';
  const script = document.currentScript;
  const loadedVersion = script ? script.dataset.version : null;
  const scrollKey = 'ccg-site-serve:scroll:' + location.pathname;

  const restoreScroll = () => {
    const saved = sessionStorage.getItem(scrollKey);
    if (saved === null) return;
    try {
      const { x, y } = JSON.parse(saved);
      window.scrollTo(x, y);
    } catch (_) { /* a damaged value: stay at the top */ }
  };
  if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
  restoreScroll();
  window.addEventListener('load', () => {
    restoreScroll();
    requestAnimationFrame(() => {
      restoreScroll();
      sessionStorage.removeItem(scrollKey);
    });
  }, { once: true });

  const events = new EventSource('/__ccg-site/events');
  // `hello VERSION` on connecting; `reload VERSION [URL ...]` after each rebuild, listing the
  // pages that changed (none listed: every page).
  const onVersion = (event) => {
    const [version, ...pages] = event.data.split(' ');
    if (version === loadedVersion) return;
    if (pages.length > 0 && !pages.includes(location.pathname)) return;
    sessionStorage.setItem(scrollKey, JSON.stringify({ x: window.scrollX, y: window.scrollY }));
    events.close();
    location.reload();
  };
  events.addEventListener('hello', onVersion);
  events.addEventListener('reload', onVersion);
})();
