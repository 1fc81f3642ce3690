/* Folding of names for search: the steps of ati/core/folding.py, on the rules the page
 * gives (the body picker's data-fold), so that a browser and the server fold alike;
 * tests/core/test_folding.py runs this file with node on the server's table of cases.
 *
 * NFKD, lower case, marks removed (accents, tashkeel, tatweel), letters replaced
 * (ة → ه, ى → ي, digits…), words of letters and digits, a leading article or particle
 * (ال، لل، بال، وال، فال، كال) dropped when enough of the word remains.
 */
(function (root) {
  "use strict";

  function makeFold(rules) {
    var marks = new RegExp(rules.marks, "g");
    var letters = rules.letters;
    var proclitics = rules.proclitics;
    var minStem = rules.min_stem;
    var words = /[\p{L}\p{N}]+/gu;

    function stripProclitic(word) {
      var length = Array.from(word).length;
      for (var i = 0; i < proclitics.length; i++) {
        var p = proclitics[i];
        if (word.indexOf(p) === 0 && length - p.length >= minStem) {
          return word.slice(p.length);
        }
      }
      return word;
    }

    return function fold(text) {
      var s = String(text || "").normalize("NFKD").toLowerCase().replace(marks, "");
      var replaced = "";
      Array.from(s).forEach(function (ch) {
        replaced += Object.prototype.hasOwnProperty.call(letters, ch) ? letters[ch] : ch;
      });
      return (replaced.match(words) || []).map(stripProclitic).join(" ");
    };
  }

  if (typeof module === "object" && module.exports) {
    module.exports = makeFold;
  } else {
    root.atiMakeFold = makeFold;
  }
})(this);
