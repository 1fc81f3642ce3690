/* The body picker (ati/bodies/widgets.py): a text field above the select of public bodies
 * narrows its options as one types, by any of a body's names (French, Arabic, English) or
 * its code, as the list of bodies searches them: "الكهرباء" finds "للكهرباء", "sante" finds
 * "Santé" (static/js/fold.js, loaded before). Progressive enhancement: without this script
 * the select works alone.
 *
 * Keyboard: type, then Down arrow (or Enter) moves to the narrowed list; one match alone is
 * chosen at once. The number of matches is announced (a polite live region), in the page's
 * language: the words come from the server (data-counts), one per CLDR plural category.
 * No inline script: the CSP forbids it.
 */
(function () {
  "use strict";

  // The server's folding (ati/core/folding.py, static/js/fold.js): the options carry their
  // names folded by the server (data-search), what is typed is folded here by the same rules.
  function folder(select) {
    try {
      return window.atiMakeFold(JSON.parse(select.getAttribute("data-fold")));
    } catch (e) {
      return function (text) { return (text || "").toLowerCase(); };
    }
  }

  function countText(select, n) {
    var forms = {};
    try {
      forms = JSON.parse(select.getAttribute("data-counts") || "{}");
    } catch (e) {
      return String(n);
    }
    var lang = document.documentElement.lang || "fr";
    var rules = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;
    var chosen = forms["100"];
    if (rules) {
      var category = rules.select(n);
      Object.keys(forms).forEach(function (sample) {
        if (rules.select(Number(sample)) === category) {
          chosen = forms[sample];
        }
      });
    }
    // Western digits, as everywhere on the site (Moroccan usage), in Arabic too.
    return (chosen || "{n}").replace("{n}", String(n));
  }

  function enhance(select, index) {
    var all = Array.prototype.slice.call(select.options);
    var prompt = all.filter(function (o) { return !o.value; })[0] || null;
    var bodies = all.filter(function (o) { return o.value; });
    var fold = folder(select);

    var id = (select.id || "body-picker-" + index) + "_filter";
    var wrapper = document.createElement("div");
    wrapper.className = "body-picker";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = select.getAttribute("data-filter-label");
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.className = "body-picker-filter";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var help = document.createElement("p");
    help.className = "body-picker-count";
    help.id = id + "_help";
    help.textContent = select.getAttribute("data-filter-help");
    var status = document.createElement("p");
    status.className = "body-picker-count";
    status.id = id + "_status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", help.id + " " + status.id);

    select.parentNode.insertBefore(wrapper, select);
    wrapper.appendChild(label);
    wrapper.appendChild(input);
    wrapper.appendChild(help);
    wrapper.appendChild(status);
    wrapper.appendChild(select);

    function narrow() {
      var words = fold(input.value).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var matches = bodies.filter(function (o) {
        var hay = o.getAttribute("data-search") || "";
        return words.every(function (w) { return hay.indexOf(w) !== -1; });
      });
      // Rebuild rather than hide: hidden options are still offered by some browsers.
      while (select.options.length) {
        select.remove(0);
      }
      if (prompt) {
        select.add(prompt);
      }
      matches.forEach(function (o) { select.add(o); });
      if (matches.length === 1 && words.length) {
        select.value = matches[0].value;
      } else if (matches.some(function (o) { return o.value === chosen; })) {
        select.value = chosen;
      } else if (prompt) {
        select.value = prompt.value;
      }
      // While filtering, the matches show as an open list one can read and arrow through.
      select.size = words.length ? Math.max(2, Math.min(matches.length + (prompt ? 1 : 0), 8)) : 0;
      status.textContent = words.length ? countText(select, matches.length) : "";
    }

    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(narrow, 120);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "Enter") {
        // Enter here must not send the whole form: it moves to the list instead.
        event.preventDefault();
        window.clearTimeout(timer);
        narrow();
        if (select.value === "" && select.options.length > 1) {
          select.selectedIndex = prompt ? 1 : 0;
        }
        select.focus();
      }
    });
    select.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && select.size > 1) {
        input.focus();
      }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll("select[data-body-picker]"), enhance);
})();
