/* The review page of a proposal still being prepared reloads itself once the worker has
 * proposed the redactions (ati/library: the proposal leaves the "preparing" state).
 *
 * Why a script and not <meta http-equiv="refresh">: a timed reload of the whole page every
 * few seconds fails WCAG 2.2.1 (axe-core's "meta-refresh" rule, which the browser journeys
 * run) and loses a screen reader's place. This asks the server quietly and reloads only when
 * there is something new to read. The CSP allows scripts from this site only, never inline:
 * hence this file. Without it, the page's "Refresh now" link does the same by hand.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-refresh-seconds]");
  if (!box || !window.fetch) {
    return;
  }
  var delay = 1000 * Math.max(2, Number(box.getAttribute("data-refresh-seconds")) || 5);
  var attempts = 0;
  var maxAttempts = 720; // an hour at five seconds: the periodic job has long taken it by then

  function again() {
    attempts += 1;
    if (attempts < maxAttempts) {
      window.setTimeout(check, delay);
    }
  }

  function check() {
    window
      .fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (html && html.indexOf("data-refresh-seconds") === -1) {
          window.location.reload();
        } else {
          again();
        }
      })
      .catch(again);
  }

  again();
})();
