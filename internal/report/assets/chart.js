// Hover tooltips for the charts. The charts are complete without this
// script; it only reads the data-tip-* attributes the report wrote (the
// position and the labels of each drawn point) and shows the nearest
// point's time and bytes. It writes text only through textContent.
(function () {
  "use strict";
  document.documentElement.setAttribute("data-script", "ran");

  function list(svg, name, sep) {
    var s = svg.getAttribute("data-tip-" + name);
    return s ? s.split(sep) : [];
  }

  function nearest(xs, x) {
    var lo = 0, hi = xs.length - 1;
    while (hi - lo > 1) {
      var mid = (lo + hi) >> 1;
      if (xs[mid] < x) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return Math.abs(xs[hi] - x) < Math.abs(xs[lo] - x) ? hi : lo;
  }

  document.querySelectorAll("svg.chart[data-tip-x]").forEach(function (svg) {
    var xs = list(svg, "x", " ").map(Number);
    var ys = list(svg, "y", " ").map(Number);
    var times = list(svg, "time", "|");
    var values = list(svg, "value", "|");
    var box = svg.closest("figure");
    var tip = box && box.querySelector(".tip");
    var dot = svg.querySelector(".dot");
    var rule = svg.querySelector(".rule");
    if (!xs.length || !tip || !dot || !rule) {
      return;
    }
    svg.addEventListener("mousemove", function (e) {
      var m = svg.getScreenCTM();
      if (!m) {
        return;
      }
      var p = new DOMPoint(e.clientX, e.clientY).matrixTransform(m.inverse());
      var i = nearest(xs, p.x);
      dot.setAttribute("cx", xs[i]);
      dot.setAttribute("cy", ys[i]);
      rule.setAttribute("x1", xs[i]);
      rule.setAttribute("x2", xs[i]);
      svg.classList.add("hover");
      var at = new DOMPoint(xs[i], ys[i]).matrixTransform(m);
      var r = box.getBoundingClientRect();
      tip.textContent = times[i] + "  " + values[i];
      tip.style.left = (at.x - r.left) + "px";
      tip.style.top = (at.y - r.top) + "px";
      tip.hidden = false;
    });
    svg.addEventListener("mouseleave", function () {
      svg.classList.remove("hover");
      tip.hidden = true;
    });
  });
})();
