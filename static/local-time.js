// Shows every date and time in the reader's own time zone. Progressive enhancement only:
// without this script the pages show UTC, and each <time> element's `datetime` carries
// the exact moment either way. The server's wording stays in the element's title.
(function () {
  "use strict";
  var format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
    day: "numeric",
    month: "long",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short"
  });
  var times = document.querySelectorAll("time[datetime]");
  for (var i = 0; i < times.length; i++) {
    var el = times[i];
    var at = new Date(el.getAttribute("datetime"));
    if (isNaN(at.getTime())) {
      continue;
    }
    el.setAttribute("title", el.textContent);
    el.textContent = format.format(at);
  }
})();
