/* The review before publication: words chosen where people read them, never offsets.
 *
 * The text: selecting words in the original fills the "Hide more of the text" form with
 * them and, in its hidden fields, with their place in the text (only that passage is
 * hidden). Typing in the phrase field instead hides the phrase everywhere.
 * The released documents' pages: choose words by clicking them, or draw a rectangle with
 * the mouse or the keyboard, then redact them (the page's form posts them).
 *
 * Without this script the forms still work: the reviewer types a phrase (hidden
 * everywhere), or a rectangle's sides in percent. Coordinates are fractions of the
 * page (0–1), as the server stores the words' boxes.
 */
(function () {
  "use strict";
  var original = document.querySelector(".review-text[data-selectable]");
  var textForm = document.querySelector(".text-redaction-form");
  if (original && textForm) {
    selectable(original, textForm);
  }

  /* The offset of (node, offset) in the block's text: the text nodes before it, added up
   * (the redactions' numbers are CSS content, not text, so the DOM's text is the original's). */
  function offsetIn(block, node, offset) {
    var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    var total = 0;
    for (var n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n === node) {
        return total + offset;
      }
      total += n.data.length;
    }
    if (node === block || block.contains(node)) {
      // An element boundary: count the text of the children before `offset`.
      var before = document.createRange();
      before.setStart(block, 0);
      before.setEnd(node, offset);
      return before.toString().length;
    }
    return -1;
  }

  function selectable(block, form) {
    var status = form.querySelector(".selection-status");
    var phrase = form.elements.phrase;
    var start = form.elements.start;
    var end = form.elements.end;
    if (!phrase || !start || !end) {
      return;
    }
    function take() {
      var selection = window.getSelection();
      if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
        return;
      }
      var range = selection.getRangeAt(0);
      if (!block.contains(range.commonAncestorContainer)) {
        return;
      }
      var text = range.toString();
      var from = offsetIn(block, range.startContainer, range.startOffset);
      if (from < 0) {
        return;
      }
      // Spaces at the edges of a selection are not part of what is hidden.
      var lead = text.length - text.replace(/^\s+/, "").length;
      var trimmed = text.trim();
      if (!trimmed) {
        return;
      }
      phrase.value = trimmed;
      start.value = from + lead;
      end.value = from + lead + trimmed.length;
      if (status) {
        status.textContent = form.getAttribute("data-selected") + " « " + trimmed + " » — " +
          form.getAttribute("data-selected-only");
      }
    }
    block.addEventListener("mouseup", take);
    block.addEventListener("keyup", take);
    block.addEventListener("touchend", take);
    // A phrase typed by hand is hidden everywhere: the selection's place no longer applies.
    phrase.addEventListener("input", function () {
      start.value = "";
      end.value = "";
      if (status) {
        status.textContent = "";
      }
    });
  }

  var SVG = "http://www.w3.org/2000/svg";
  var section = document.querySelector(".released-documents");
  if (!section) {
    return;
  }
  var chosenLabel = section.getAttribute("data-chosen-words") || "";
  var rectangleLabel = section.getAttribute("data-rectangle") || "";

  function setup(figure) {
    var article = figure.closest(".review-page");
    var frame = figure.querySelector(".page-frame");
    var svg = figure.querySelector(".page-overlay");
    var data = figure.querySelector("script[type='application/json']");
    var form = article && article.querySelector(".page-redaction-form");
    if (!frame || !svg || !data || !form) {
      return;
    }
    var words = JSON.parse(data.textContent);
    var chosen = {};
    var rect = null; // [x0, y0, x1, y1]
    var drag = null;
    var status = form.querySelector(".selection-status");

    function shape(cls, box) {
      var r = document.createElementNS(SVG, "rect");
      r.setAttribute("class", cls);
      r.setAttribute("x", box[0] * 1000);
      r.setAttribute("y", box[1] * 1000);
      r.setAttribute("width", Math.max(1, (box[2] - box[0]) * 1000));
      r.setAttribute("height", Math.max(1, (box[3] - box[1]) * 1000));
      svg.appendChild(r);
    }

    function draw() {
      Array.prototype.forEach.call(svg.querySelectorAll(".page-chosen, .page-drawn"), function (r) {
        r.parentNode.removeChild(r);
      });
      var indexes = Object.keys(chosen).map(Number).sort(function (a, b) { return a - b; });
      indexes.forEach(function (i) {
        var w = words[i];
        shape("page-chosen", [w[1], w[2], w[3], w[4]]);
      });
      if (rect) {
        shape("page-drawn", rect);
      }
      form.elements.words.value = indexes.join(",");
      ["x0", "y0", "x1", "y1"].forEach(function (name, k) {
        form.elements[name].value = rect ? (rect[k] * 100).toFixed(1) : "";
      });
      var parts = [];
      if (indexes.length) {
        parts.push(chosenLabel + " " + indexes.map(function (i) { return words[i][0]; }).join(" "));
      }
      if (rect) {
        parts.push(rectangleLabel);
      }
      if (status) {
        status.textContent = parts.join(" ");
      }
    }

    function point(event) {
      var bounds = frame.getBoundingClientRect();
      return [
        Math.min(1, Math.max(0, (event.clientX - bounds.left) / bounds.width)),
        Math.min(1, Math.max(0, (event.clientY - bounds.top) / bounds.height)),
      ];
    }

    function wordAt(p) {
      for (var i = 0; i < words.length; i += 1) {
        var w = words[i];
        if (p[0] >= w[1] && p[0] <= w[3] && p[1] >= w[2] && p[1] <= w[4]) {
          return i;
        }
      }
      return -1;
    }

    frame.addEventListener("pointerdown", function (event) {
      drag = { start: point(event), moved: false };
      frame.setPointerCapture(event.pointerId);
      event.preventDefault();
    });
    frame.addEventListener("pointermove", function (event) {
      if (!drag) {
        return;
      }
      var p = point(event);
      if (Math.abs(p[0] - drag.start[0]) + Math.abs(p[1] - drag.start[1]) > 0.01) {
        drag.moved = true;
        rect = [
          Math.min(p[0], drag.start[0]), Math.min(p[1], drag.start[1]),
          Math.max(p[0], drag.start[0]), Math.max(p[1], drag.start[1]),
        ];
        draw();
      }
    });
    frame.addEventListener("pointerup", function (event) {
      if (drag && !drag.moved) {
        var i = wordAt(point(event));
        if (i >= 0) {
          if (chosen[i]) {
            delete chosen[i];
          } else {
            chosen[i] = true;
          }
          draw();
        }
      }
      drag = null;
    });

    frame.addEventListener("keydown", function (event) {
      var step = 0.01;
      var key = event.key;
      if (key === "Escape") {
        rect = null;
        chosen = {};
        draw();
        return;
      }
      if (key === "Enter") {
        event.preventDefault();
        if (rect || Object.keys(chosen).length) {
          form.requestSubmit ? form.requestSubmit() : form.submit();
        } else {
          rect = [0.4, 0.45, 0.6, 0.5];
          draw();
        }
        return;
      }
      var moves = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, -step], ArrowDown: [0, step] };
      if (!rect || !moves[key]) {
        return;
      }
      event.preventDefault();
      var d = moves[key];
      if (event.shiftKey) {
        rect[2] = Math.min(1, Math.max(rect[0] + step, rect[2] + d[0]));
        rect[3] = Math.min(1, Math.max(rect[1] + step, rect[3] + d[1]));
      } else {
        var w = rect[2] - rect[0];
        var h = rect[3] - rect[1];
        rect[0] = Math.min(1 - w, Math.max(0, rect[0] + d[0]));
        rect[1] = Math.min(1 - h, Math.max(0, rect[1] + d[1]));
        rect[2] = rect[0] + w;
        rect[3] = rect[1] + h;
      }
      draw();
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll(".page-figure"), setup);
})();
