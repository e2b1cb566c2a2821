/* Organisation charts drawn as HTML boxes over an SVG of lines: rows from the view model (row and
   order computed in Python), wrapped to the width available, lines routed with elbows. */
(function () {
  "use strict";
  var NK = window.NK;
  var LINE_STYLE = {
    managerial: {stroke: "#2f3b48", width: 1.8, dash: ""},
    leads: {stroke: "#2f3b48", width: 1.8, dash: ""},
    professional: {stroke: "#2e7d32", width: 2, dash: "7 5"},
    deputy: {stroke: "#6a4c93", width: 2.2, dash: "2 4"},
    joint: {stroke: "#c9d3de", width: 3, dash: ""}
  };

  function box(post, options) {
    var meta = [];
    if (post.duties) { meta.push(NK.plural(post.duties, "duty", "duties")); }
    if (post.postings.length > 1) { meta.push(NK.plural(post.postings.length, "posting")); }
    if (!post.advertised) { meta.push("named by other postings"); }
    var subtitle = [post.role, post.scope].filter(Boolean).join(" \u00b7 ");
    return NK.el("div", {
      className: "post" + (post.advertised ? "" : " named-only") + (post.elsewhere ? " elsewhere" : ""),
      tabindex: "0", role: "button", dataset: {key: post.key, level: String(post.level)},
      style: {width: options.boxWidth + "px"},
      onclick: function () { options.onSelect(post.key); },
      onkeydown: function (e) { if (e.key === "Enter") { options.onSelect(post.key); } }
    }, [
      NK.el("div", {className: "post-title", text: post.label}),
      subtitle ? NK.el("div", {className: "post-role", text: subtitle}) : null,
      post.elsewhere ? NK.el("div", {className: "post-role", text: "in " + post.elsewhere}) : null,
      post.badges.length ? NK.el("div", {className: "badges"}, post.badges.map(function (b) { return NK.el("span", {className: "badge", text: b}); })) : null,
      meta.length ? NK.el("div", {className: "post-meta", text: meta.join(" \u00b7 ")}) : null
    ]);
  }

  /* Draw `chart` into `host`; returns {select(key), search(text)}. */
  NK.drawChart = function (host, chart, options) {
    options = Object.assign({boxWidth: 176, gapX: 14, gapY: 50, wrapGap: 18, pad: 14, onSelect: function () {}}, options || {});
    NK.clear(host);
    if (!chart || !chart.posts.length) {
      host.appendChild(NK.el("p", {className: "empty", text: "No leadership post of this organisation is in the graph."}));
      return {select: function () {}, search: function () { return 0; }, boxes: {}};
    }
    var canvas = NK.el("div", {className: "chart"});
    var svg = NK.el("svg:svg", {className: "chart-lines"});
    canvas.appendChild(svg);
    host.appendChild(canvas);
    var width = Math.max(options.boxWidth, host.clientWidth - 2 * options.pad);
    var perRow = Math.max(1, Math.floor((width + options.gapX) / (options.boxWidth + options.gapX)));
    var boxes = {};
    var byLevel = {};
    chart.posts.forEach(function (post) {
      (byLevel[post.level] = byLevel[post.level] || []).push(post);
      boxes[post.key] = box(post, options);
      canvas.appendChild(boxes[post.key]);
    });
    var rows = [];
    Object.keys(byLevel).map(Number).sort(function (a, b) { return a - b; }).forEach(function (level) {
      var posts = byLevel[level].sort(function (a, b) { return a.order - b.order; });
      for (var i = 0; i < posts.length; i += perRow) { rows.push({posts: posts.slice(i, i + perRow), first: i === 0, level: level}); }
    });
    var y = options.pad;
    var geometry = {};
    rows.forEach(function (row, index) {
      if (index > 0) { y += row.first ? options.gapY : options.wrapGap; }
      var height = 0;
      row.posts.forEach(function (post) { height = Math.max(height, boxes[post.key].offsetHeight); });
      var rowWidth = row.posts.length * options.boxWidth + (row.posts.length - 1) * options.gapX;
      var x0 = options.pad + Math.max(0, (width - rowWidth) / 2);
      row.posts.forEach(function (post, i) {
        var b = boxes[post.key];
        var x = x0 + i * (options.boxWidth + options.gapX);
        b.style.left = x + "px";
        b.style.top = y + "px";
        geometry[post.key] = {x: x, y: y, w: options.boxWidth, h: b.offsetHeight};
      });
      y += height;
    });
    var total = y + options.pad;
    canvas.style.height = total + "px";
    svg.setAttribute("width", String(width + 2 * options.pad));
    svg.setAttribute("height", String(total));
    /* a faint band behind each row of the chart, so a row wrapped onto two lines still reads as one */
    var bands = {};
    rows.forEach(function (row) {
      row.posts.forEach(function (post) {
        var g = geometry[post.key], band = bands[row.level] || (bands[row.level] = {top: g.y, bottom: g.y + g.h});
        band.top = Math.min(band.top, g.y); band.bottom = Math.max(band.bottom, g.y + g.h);
      });
    });
    Object.keys(bands).map(Number).sort(function (a, b) { return a - b; }).forEach(function (level, index) {
      if (index % 2) { return; }
      var band = bands[level];
      svg.appendChild(NK.el("svg:rect", {x: 2, y: band.top - 7, width: width + 2 * options.pad - 4, height: band.bottom - band.top + 14,
        rx: 8, fill: "#f3f6fa", className: "band"}));
    });

    var drawnLines = [];
    function path(line) {
      var lo = geometry[line.lower], up = geometry[line.upper];
      if (!lo || !up) { return ""; }
      if (line.kind === "joint" || lo.y <= up.y) {
        var a = lo.x <= up.x ? lo : up, b = lo.x <= up.x ? up : lo;
        if (a.y === b.y) {
          /* same row: a shallow curve under the two boxes, clear of the lines coming down from above */
          var sx = a.x + a.w * 0.72, ex = b.x + b.w * 0.28, sy = a.y + a.h, ey = b.y + b.h;
          if (ex - sx < options.gapX + 2 + a.w * 0.56) { return "M" + (a.x + a.w) + " " + (a.y + 14) + " H" + b.x; }
          var dip = Math.max(sy, ey) + Math.min(options.gapY - 14, 12 + (ex - sx) / 40);
          return "M" + sx + " " + sy + " C" + sx + " " + dip + " " + ex + " " + dip + " " + ex + " " + ey;
        }
        var upper = a.y < b.y ? a : b, lower = upper === a ? b : a;
        if (lower.x >= upper.x + upper.w || lower.x + lower.w <= upper.x) {
          var right = lower.x > upper.x;
          var ux = right ? upper.x + upper.w : upper.x, lx = right ? lower.x : lower.x + lower.w;
          var uy = upper.y + Math.min(upper.h, 40) / 2, ly = lower.y + Math.min(lower.h, 40) / 2;
          return "M" + ux + " " + uy + " C" + (ux + lx) / 2 + " " + uy + " " + (ux + lx) / 2 + " " + ly + " " + lx + " " + ly;
        }
        var bow = Math.min(upper.x, lower.x) - 24;
        return "M" + upper.x + " " + (upper.y + 14) + " C" + bow + " " + (upper.y + 14) + " " + bow + " " + (lower.y + 14) + " " + lower.x + " " + (lower.y + 14);
      }
      var x1 = up.x + up.w / 2, y1 = up.y + up.h;
      var x2 = lo.x + lo.w / 2, y2 = lo.y;
      var offset = line.kind === "professional" ? 12 : line.kind === "deputy" ? 18 : 24;
      var mid = Math.max(y1 + 6, y2 - offset);
      if (line.kind === "professional") { x1 += 10; x2 += 10; }
      return "M" + x1 + " " + y1 + " V" + mid + " H" + x2 + " V" + y2;
    }
    chart.lines.slice().sort(function (a, b) { return (a.kind === "joint" ? 0 : 1) - (b.kind === "joint" ? 0 : 1); }).forEach(function (line) {
      var d = path(line);
      if (!d) { return; }
      var style = LINE_STYLE[line.kind] || LINE_STYLE.managerial;
      var group = NK.el("svg:g", {className: "line line-" + line.kind + (line.weak ? " weak" : ""), dataset: {kind: line.kind, lower: line.lower, upper: line.upper}});
      /* a line the extractor is less sure of is drawn faded: its sentences say how it was stated */
      group.appendChild(NK.el("svg:path", {d: d, fill: "none", stroke: style.stroke, "stroke-width": style.width,
        "stroke-dasharray": style.dash || null, "stroke-opacity": line.weak ? 0.4 : null, className: "stroke"}));
      group.appendChild(NK.el("svg:path", {d: d, fill: "none", stroke: "transparent", "stroke-width": 12, className: "hit",
        onclick: function () { if (options.onLine) { options.onLine(line); } }}));
      svg.appendChild(group);
      drawnLines.push({line: line, node: group});
    });

    var neighbours = {};
    chart.lines.forEach(function (line) {
      (neighbours[line.lower] = neighbours[line.lower] || []).push(line.upper);
      (neighbours[line.upper] = neighbours[line.upper] || []).push(line.lower);
    });
    function mark(keep, strong) {
      Object.keys(boxes).forEach(function (key) {
        boxes[key].classList.toggle("dim", !!keep && !keep[key]);
        boxes[key].classList.toggle("match", !!strong && !!strong[key]);
      });
      drawnLines.forEach(function (item) {
        var on = !keep || (keep[item.line.lower] && keep[item.line.upper]);
        item.node.classList.toggle("dim", !on);
      });
    }
    return {
      boxes: boxes,
      geometry: geometry,
      select: function (key) {
        Object.keys(boxes).forEach(function (k) { boxes[k].classList.toggle("selected", k === key); });
      },
      /* Keep matching posts and their neighbours; dim the rest. Returns the number matched. */
      search: function (query) {
        var q = NK.norm(query);
        if (!q) { mark(null, null); return 0; }
        var strong = {}, keep = {}, count = 0;
        chart.posts.forEach(function (post) {
          var details = chart.details[post.key] || {areas: [], designations: []};
          var haystack = NK.norm([post.label, post.role, post.scope, post.badges.join(" "),
            details.areas.map(function (a) { return a.label; }).join(" ")].join(" "));
          if (haystack.indexOf(q) !== -1) {
            strong[post.key] = keep[post.key] = true;
            count += 1;
            (neighbours[post.key] || []).forEach(function (n) { keep[n] = true; });
          }
        });
        mark(keep, strong);
        return count;
      }
    };
  };

  /* The details of one post of `chart`: lines with their sentences, designations, duty areas, bodies. */
  NK.postDetails = function (chart, key) {
    var post = chart.posts.filter(function (p) { return p.key === key; })[0];
    if (!post) { return; }
    var names = {};
    chart.posts.forEach(function (p) { names[p.key] = p.label; });
    var details = chart.details[key] || {designations: [], areas: [], bodies: []};
    var labels = NK.data.lineLabels;
    var parts = [];
    var sub = [post.role, post.scope, post.elsewhere ? "in " + post.elsewhere : chart.name].filter(Boolean).join(" \u00b7 ");
    parts.push(NK.el("p", {className: "sub", text: sub}));
    parts.push(NK.el("p", {text: post.advertised
      ? "Advertised by " + NK.plural(post.postings.length, "leadership posting") + "."
      : "Not advertised: named by other postings of " + chart.name + "."}));
    post.postings.forEach(function (p) { parts.push(NK.postingRef(p)); });
    var lines = chart.lines.filter(function (l) { return l.lower === key || l.upper === key; });
    if (lines.length) {
      parts.push(NK.section("Lines", lines.map(function (line) {
        var phrase;
        if (line.kind === "joint") { phrase = "Works jointly with " + names[line.lower === key ? line.upper : line.lower]; }
        else if (line.lower === key) { phrase = labels[line.kind].charAt(0).toUpperCase() + labels[line.kind].slice(1) + " " + names[line.upper]; }
        else { phrase = names[line.lower] + " " + labels[line.kind] + " this post"; }
        return NK.el("div", {className: "line-detail"}, [NK.el("p", {}, [NK.el("b", {text: phrase}), line.weak ? NK.sure("less sure") : null]),
          NK.evidence(line.evidence, 3, post.postings)]);
      })));
    }
    if (details.designations.length) {
      parts.push(NK.section("Designations held", details.designations.map(function (d) {
        return NK.el("div", {}, [NK.el("p", {}, [NK.el("span", {className: "badge" + (d.weak ? " weak" : ""), text: d.label}), d.weak ? NK.sure("less sure") : null]),
          NK.evidence(d.evidence, 3, post.postings)]);
      })));
    }
    if (details.areas.length) {
      var total = details.areas.reduce(function (n, a) { return n + a.duties.length; }, 0);
      parts.push(NK.section("Duty areas (" + NK.plural(post.duties, "duty", "duties") + ")", details.areas.map(function (area) {
        var more = NK.el("details", {}, [NK.el("summary", {text: area.label + " \u2014 " + NK.plural(area.duties.length, "duty", "duties")})]);
        area.duties.forEach(function (duty) {
          more.appendChild(NK.el("blockquote", {className: "evidence" + (NK.weak(duty[2]) ? " weak" : "")}, [duty[1] ? duty[1][0] : duty[0],
            duty[1] && post.postings.indexOf(duty[1][1]) === -1 ? NK.postingRef(duty[1][1]) : null, NK.sure(duty[2])]));
        });
        return more;
      })));
      if (!total) { parts.push(NK.el("p", {className: "sub", text: "No duty statement was read for this post."})); }
    } else {
      parts.push(NK.el("p", {className: "sub", text: post.advertised ? "No duty statement was read from its postings." : "Its duties are not known: no posting advertises it."}));
    }
    if (details.bodies.length) {
      parts.push(NK.section("External bodies it engages with", details.bodies.map(function (b) {
        var more = NK.el("details", {}, [NK.el("summary", {}, [b.label, b.weak ? NK.sure("less sure") : null])]);
        more.appendChild(NK.evidence(b.evidence, 3, post.postings));
        return more;
      })));
    }
    NK.details.show(post.label, parts);
  };

  NK.lineDetails = function (chart, line) {
    var names = {};
    chart.posts.forEach(function (p) { names[p.key] = p.label; });
    var phrase = line.kind === "joint" ? names[line.lower] + " works jointly with " + names[line.upper]
      : names[line.lower] + " " + NK.data.lineLabels[line.kind] + " " + names[line.upper];
    NK.details.show(phrase, [NK.el("p", {className: "sub", text: chart.name}), NK.section("Read from", [NK.evidence(line.evidence)])]);
  };
})();
