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

  function supported(locale) {
    try {
      return !!locale && Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
    } catch (e) {
      return false;
    }
  }

  // Where the browser has no data for the page's language (Belarusian in
  // many builds), numbers read the same in every language: 24.06.2021, 13:00.
  function numeric(date, withDate) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {
      day: "2-digit", month: "2-digit", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (part) { parts[part.type] = part.value; });
    var time = parts.hour + ":" + parts.minute;
    return withDate ? parts.day + "." + parts.month + "." + parts.year + ", " + time : time;
  }

  function sameDay(a, b) {
    return numeric(a, true).slice(0, 10) === numeric(b, true).slice(0, 10);
  }

  function formatRange(start, end) {
    var text;
    if (supported(lang)) {
      var fmt = new Intl.DateTimeFormat(lang, { dateStyle: "long", timeStyle: "short" });
      text = end && fmt.formatRange ? fmt.formatRange(start, end) : fmt.format(start);
    } else {
      text = numeric(start, true);
      if (end) text += "–" + numeric(end, !sameDay(start, end));
    }
    var offset = new Intl.DateTimeFormat("en-GB", { timeZoneName: "shortOffset" })
      .formatToParts(start)
      .filter(function (part) { return part.type === "timeZoneName"; })
      .map(function (part) { return part.value; })[0] || "";
    var zone = visitorZone().replace(/_/g, " ");
    return text + " (" + (zone ? zone + ", " : "") + offset + ")";
  }

  // Times in the visitor's own zone, next to the forum's own.
  function showLocalTimes() {
    var times = document.querySelectorAll("time.event-time");
    Array.prototype.forEach.call(times, function (time) {
      var slot = time.nextElementSibling;
      if (!slot || !slot.classList.contains("local-time")) return;
      // A visitor in the forum's own zone already reads their time.
      if (time.getAttribute("data-zone") === visitorZone()) return;
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
