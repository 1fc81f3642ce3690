/* Published answers like the request being written, as soon as its subject is typed
 * (templates/requests/submit.html). It asks the server (requests:similar) half a second
 * after the typing stops and shows the fragment it returns in a polite live region.
 * Without JavaScript, the form's "Look for published answers first" button does the same
 * by sending the form. No inline script: the CSP forbids it.
 */
(function () {
  "use strict";
  var box = document.querySelector("[data-similar-url]");
  var form = box && box.closest("form");
  if (!box || !form || !window.fetch || !window.URLSearchParams) {
    return;
  }
  var fields = ["subject", "information_requested"]
    .map(function (name) { return form.elements[name]; })
    .filter(Boolean);
  var timer = null;
  var last = null;
  var pending = null;

  function ask() {
    var params = new URLSearchParams();
    fields.forEach(function (field) { params.set(field.name, field.value.slice(0, 2000)); });
    var query = params.toString();
    if (query === last) {
      return;
    }
    last = query;
    if (pending && pending.abort) {
      pending.abort();
    }
    pending = window.AbortController ? new AbortController() : null;
    window
      .fetch(box.getAttribute("data-similar-url") + "?" + query, {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        signal: pending ? pending.signal : undefined,
      })
      .then(function (response) {
        // A refusal (too many searches) leaves what is shown: the button still works.
        return response.ok ? response.text() : null;
      })
      .then(function (html) {
        if (html !== null) {
          box.innerHTML = html.trim();
        }
      })
      .catch(function () {});
  }

  fields.forEach(function (field) {
    field.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, 500);
    });
  });
})();
