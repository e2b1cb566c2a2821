/* Shared by the table and chart pages: the page's data, safe element building, the details panel,
   the organisation picker. Every text from the graph goes in with textContent, never innerHTML. */
(function () {
  "use strict";
  var NK = window.NK = {};
  window.nhskgReady = false;
  NK.data = JSON.parse(document.getElementById("nhskg-data").textContent);
  NK.SVG = "http:\/\/www.w3.org/2000/svg";

  /* el("div", {className: "x", text: "y", title: "z", onclick: f, dataset: {k: v}}, [children]) */
  NK.el = function (tag, attrs, children) {
    var node = tag.indexOf("svg:") === 0 ? document.createElementNS(NK.SVG, tag.slice(4)) : document.createElement(tag);
    attrs = attrs || {};
    Object.keys(attrs).forEach(function (name) {
      var value = attrs[name];
      if (value === undefined || value === null) { return; }
      if (name === "text") { node.textContent = String(value); }
      else if (name === "className") { node.setAttribute("class", value); }
      else if (name === "dataset") { Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; }); }
      else if (name === "style") { Object.keys(value).forEach(function (k) { node.style[k] = value[k]; }); }
      else if (name.indexOf("on") === 0) { node.addEventListener(name.slice(2), value); }
      else { node.setAttribute(name, String(value)); }
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined || child === false) { return; }
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  };
  NK.clear = function (node) { while (node.firstChild) { node.removeChild(node.firstChild); } return node; };
  NK.plural = function (n, one, many) { return n + " " + (n === 1 ? one : (many || one + "s")); };
  NK.pct = function (part, whole) { return whole ? Math.round(100 * part / whole) + "%" : "0%"; };
  NK.money = function (value) { return "\u00a3" + Math.round(value).toLocaleString("en-GB"); };
  NK.norm = function (s) { return String(s || "").toLowerCase().replace(/\s+/g, " ").trim(); };

  /* A web address is only ever a link when it is http(s); it opens in a new tab, on a click. */
  NK.safeUrl = function (url) { return /^https?:[/][/]/i.test(url || "") ? url : ""; };

  NK.postingRef = function (key) {
    var p = (NK.data.postings || {})[key];
    if (!p) { return NK.el("span", {className: "posting-ref", text: "posting not recorded"}); }
    var bits = [];
    if (p.organisation) { bits.push(p.organisation); }
    if (p.posted) { bits.push("posted " + p.posted); } else if (p.closing) { bits.push("closing " + p.closing); }
    if (p.salary) { bits.push(p.salary); }
    if (/^[0-9]+$/.test(p.ref || "")) { bits.push("advert " + p.ref); }
    var url = NK.safeUrl(p.url);
    return NK.el("span", {className: "posting-ref"}, [
      "\u2014 ", url ? NK.el("a", {href: url, target: "_blank", rel: "noopener noreferrer", text: p.title}) : NK.el("b", {text: p.title}),
      bits.length ? " (" + bits.join(", ") + ")" : ""
    ]);
  };
  /* evidence: [[sentence, posting key, how sure], ...]; how sure (optional) says how the posting
     stated the fact and the extractor's confidence, "(less sure)" when it is below the views' line */
  /* omit: posting keys already named nearby, whose reference is left out */
  NK.weak = function (text) { return /less sure/.test(text || ""); };
  NK.sure = function (text) {
    return text ? NK.el("span", {className: "sure" + (NK.weak(text) ? " weak" : ""), text: " [" + text + "]"}) : null;
  };
  NK.evidence = function (items, limit, omit) {
    var box = NK.el("div", {className: "evidence-list"});
    limit = limit || 12;
    omit = omit || [];
    (items || []).slice(0, limit).forEach(function (item) {
      box.appendChild(NK.el("blockquote", {className: "evidence" + (NK.weak(item[2]) ? " weak" : "")},
        [item[0] || "(no sentence recorded)", omit.indexOf(item[1]) === -1 ? NK.postingRef(item[1]) : null, NK.sure(item[2])]));
    });
    if ((items || []).length > limit) { box.appendChild(NK.el("p", {className: "sub", text: "\u2026 and " + (items.length - limit) + " more sentences"})); }
    if (!(items || []).length) { box.appendChild(NK.el("p", {className: "sub", text: "No sentence was recorded for this."})); }
    return box;
  };

  /* The details panel: show(heading, [nodes]) or intro(). */
  NK.details = {
    panel: function () { return document.getElementById("details"); },
    show: function (heading, parts) {
      var panel = NK.clear(this.panel());
      if (document.body.dataset.drawer) {
        panel.appendChild(NK.el("button", {id: "details-close", className: "action close", text: "Close \u00d7", onclick: function () {
          document.body.classList.remove("details-open");
          document.dispatchEvent(new CustomEvent("nhskg-details-closed"));
        }}));
      }
      panel.appendChild(NK.el("h2", {text: heading}));
      (parts || []).forEach(function (part) { if (part) { panel.appendChild(part); } });
      panel.scrollTop = 0;
      panel.hidden = false;
      document.body.classList.add("details-open");
    },
    intro: function () {
      var template = document.getElementById("details-intro");
      var panel = NK.clear(this.panel());
      if (template) { panel.appendChild(template.content.cloneNode(true)); }
    }
  };
  NK.section = function (heading, children) { return NK.el("section", {}, [NK.el("h3", {text: heading})].concat(children)); };

  /* A search box with a drop-down of choices: items [{key, label, detail, search}], onPick(key). */
  NK.picker = function (input, items, onPick) {
    var list = NK.el("ul", {className: "choices", role: "listbox"});
    list.hidden = true;
    input.parentNode.appendChild(list);
    var shown = [];
    var active = 0;
    function render() {
      var q = NK.norm(input.value);
      shown = items.filter(function (item) { return !q || item.search.indexOf(q) !== -1; }).slice(0, 60);
      NK.clear(list);
      shown.forEach(function (item, index) {
        var li = NK.el("li", {role: "option", className: index === active ? "active" : "", onmousedown: function (e) { e.preventDefault(); pick(item); }},
          [item.label, item.detail ? NK.el("small", {text: item.detail}) : null]);
        list.appendChild(li);
      });
      if (!shown.length) { list.appendChild(NK.el("li", {text: "no organisation matches"})); }
    }
    function pick(item) { input.value = item.label; list.hidden = true; onPick(item.key); }
    input.addEventListener("focus", function () { active = 0; render(); list.hidden = false; input.select(); });
    input.addEventListener("input", function () { active = 0; render(); list.hidden = false; });
    input.addEventListener("blur", function () { list.hidden = true; });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { active = Math.min(active + 1, shown.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); e.preventDefault(); }
      else if (e.key === "Enter") { if (shown[active]) { pick(shown[active]); } e.preventDefault(); }
      else if (e.key === "Escape") { list.hidden = true; }
    });
    return {set: function (label) { input.value = label; }};
  };

  NK.ready = function () {
    window.nhskgReadyAt = performance.now();
    window.nhskgReady = true;
  };
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && document.body.classList.contains("details-open")) {
      var close = document.getElementById("details-close");
      if (close) { close.click(); }
    }
  });
})();
