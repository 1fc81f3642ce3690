/* The review of a released document's pages: choose words by clicking them, or draw a
 * rectangle with the mouse or the keyboard, then redact them (the page's form posts them).
 *
 * Without this script the form still works: the reviewer types the rectangle's sides in
 * percent, or a phrase in the "Add a redaction" form (hidden everywhere in the document).
 * Coordinates are fractions of the page (0–1), as the server stores the words' boxes.
 */
(function () {
  "use strict";
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
