// Counts where the reader came from (the referring page's host name, sent when the page opens)
// and a read: once the reader has scrolled past most of the story and the page has been open
// for a share of its reading time, one beacon goes to the site (byline/stats/reads.py). No
// cookie, nothing stored in the browser; the page-load id is random and lives only in memory.
(function () {
  "use strict";
  var script = document.currentScript;
  var article = document.querySelector("[data-story-body]");
  if (!script || !article || !navigator.sendBeacon) return;
  var url = script.dataset.url;
  var story = script.dataset.story;
  var depth = Number(script.dataset.depth) || 0.8;
  var seconds = Number(script.dataset.seconds) || 5;
  var bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  var load = Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  var visibleFor = 0;
  var visibleSince = document.visibilityState === "visible" ? performance.now() : null;
  var deep = false;
  var furthest = 0;
  var leftOnce = false;
  var sent = false;
  var timer = null;

  function openSeconds() {
    var now = visibleSince === null ? 0 : performance.now() - visibleSince;
    return (visibleFor + now) / 1000;
  }

  function measure() {
    var box = article.getBoundingClientRect();
    var share = box.height <= 0 ? 1 : (window.innerHeight - box.top) / box.height;
    furthest = Math.max(furthest, Math.min(1, Math.max(0, share)));
    return share;
  }

  function check() {
    var share = measure();
    if (sent) return;
    if (!deep) deep = share >= depth;
    if (!deep || visibleSince === null) return;
    var left = seconds - openSeconds();
    if (left > 0) {
      if (timer === null) timer = setTimeout(function () { timer = null; check(); }, left * 1000 + 50);
      return;
    }
    sent = true;
    var body = new URLSearchParams({ story: story, load: load, event: "read" });
    navigator.sendBeacon(url, body);
  }

  // How far down the reader had got when they first left the page (by quarters).
  function leave() {
    if (leftOnce) return;
    leftOnce = true;
    measure();
    var quarter = String(Math.floor(furthest * 4 + 0.001) * 25);
    navigator.sendBeacon(url, new URLSearchParams({ story: story, load: load, event: "depth", d: quarter }));
  }

  var pending = false;
  function onScroll() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; check(); });
  }

  var ref = "";
  try { ref = document.referrer ? new URL(document.referrer).host : ""; } catch (e) { ref = ""; }
  navigator.sendBeacon(url, new URLSearchParams({ story: story, load: load, event: "arrive", ref: ref }));

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") {
      visibleSince = performance.now();
      check();
    } else if (visibleSince !== null) {
      visibleFor += performance.now() - visibleSince;
      visibleSince = null;
      leave();
    }
  });
  window.addEventListener("pagehide", leave);
  window.addEventListener("scroll", onScroll, { passive: true });
  check();
})();
