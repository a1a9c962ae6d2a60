// Small enhancements; every page is complete without them.
(function () {
  "use strict";

  var lang = document.documentElement.lang || undefined;

  function visitorZone() {
    try {
      return Intl.DateTimeFormat().resolvedOptions().timeZone || "";
    } catch (e) {
      return "";
    }
  }

  function formatRange(start, end) {
    var dateOptions = { dateStyle: "long", timeStyle: "short" };
    var fmt = new Intl.DateTimeFormat(lang, dateOptions);
    var zoneName = new Intl.DateTimeFormat(lang, { timeZoneName: "shortOffset" })
      .formatToParts(start)
      .filter(function (part) { return part.type === "timeZoneName"; })
      .map(function (part) { return part.value; })[0] || "";
    var text = end && fmt.formatRange ? fmt.formatRange(start, end) : fmt.format(start);
    var zone = visitorZone();
    return text + (zone ? " (" + zone.replace(/_/g, " ") + ", " + zoneName + ")" : " (" + zoneName + ")");
  }

  // Times in the visitor's own zone, next to the forum's own.
  function showLocalTimes() {
    var times = document.querySelectorAll("time.event-time");
    Array.prototype.forEach.call(times, function (time) {
      var slot = time.nextElementSibling;
      if (!slot || !slot.classList.contains("local-time")) return;
      var start = new Date(time.getAttribute("datetime"));
      var endValue = time.getAttribute("data-end");
      var end = endValue ? new Date(endValue) : null;
      if (isNaN(start.getTime())) return;
      try {
        slot.textContent = slot.getAttribute("data-label") + ": " + formatRange(start, end);
        slot.hidden = false;
      } catch (e) {
        // An old browser without Intl: the forum's own time stays on its own.
      }
    });
  }

  // The YouTube player loads only after the visitor asks for it.
  function enableVideo() {
    var slots = document.querySelectorAll(".video-slot[data-embed]");
    Array.prototype.forEach.call(slots, function (slot) {
      var button = slot.querySelector(".js-load-video");
      var note = slot.querySelector(".js-load-video-note");
      if (!button) return;
      button.hidden = false;
      if (note) note.hidden = false;
      button.addEventListener("click", function () {
        var frame = document.createElement("iframe");
        frame.src = slot.getAttribute("data-embed") + "?autoplay=1";
        frame.title = slot.getAttribute("data-title") || "";
        frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
        frame.referrerPolicy = "strict-origin-when-cross-origin";
        frame.allowFullscreen = true;
        slot.replaceChildren(frame);
        frame.focus();
      });
    });
  }

  function ready() {
    showLocalTimes();
    enableVideo();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
