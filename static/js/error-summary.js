/* GOV.UK's error summary (templates/_error_summary.html): when a form comes back with
 * errors, the focus goes to the box titled "There is a problem", so that a screen reader
 * reads it first and the keyboard starts there. Its links lead to each field: this moves
 * the focus into the field itself (a plain anchor only scrolls) and shows its label.
 * Without JavaScript the summary and its links work all the same. No inline script: CSP.
 */
(function () {
  "use strict";
  var summaries = document.querySelectorAll("[data-error-summary]");
  if (!summaries.length) {
    return;
  }
  // One form is sent at a time: its summary is the one to read first.
  var first = summaries[0];
  var details = first.closest("details");
  if (details) {
    details.open = true;
  }
  first.focus();

  Array.prototype.forEach.call(summaries, function (summary) {
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) {
        return;
      }
      var field = document.getElementById(decodeURIComponent(link.hash.slice(1)));
      if (!field) {
        return;
      }
      event.preventDefault();
      var group = field.closest(".field") || field;
      group.scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  });
})();
