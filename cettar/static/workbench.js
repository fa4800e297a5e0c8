// Refresh the queue's rows every 30 seconds without reloading the page (no inline script: the
// Content-Security-Policy allows only files served from this site). Rows someone has ticked are
// left alone until the bulk action is sent.
(function () {
  var table = document.querySelector("table[data-refresh]");
  var rows = document.getElementById("queue-rows");
  if (!table || !rows || !window.fetch) return;
  function refresh() {
    if (rows.querySelector("input[type=checkbox]:checked")) return;
    fetch(table.getAttribute("data-refresh"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (answer) { return answer.ok ? answer.text() : null; })
      .then(function (html) { if (html !== null) { rows.innerHTML = html; rows.setAttribute("data-refreshed", String(Date.now())); } })
      .catch(function () {});
  }
  setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) refresh(); });
})();
