// The citizen's pages, without any inline script (the CSP allows only this site's files):
// the district list follows the chosen city or regency, and the tracking code can be copied or printed.
document.addEventListener("DOMContentLoaded", function () {
  var region = document.getElementById("region_code");
  var district = document.getElementById("district_code");
  if (region && district) {
    var sync = function () {
      district.querySelectorAll("optgroup").forEach(function (group) {
        var shown = !region.value || group.dataset.region === region.value;
        group.hidden = !shown;
        group.disabled = !shown;
      });
      var chosen = district.selectedOptions[0];
      if (chosen && chosen.parentElement && chosen.parentElement.disabled) { district.value = ""; }
    };
    region.addEventListener("change", sync);
    sync();
  }
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.hidden = !navigator.clipboard;
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent.trim();
      navigator.clipboard.writeText(text).then(function () { button.textContent = button.dataset.done; });
    });
  });
  // "already reported?": open complaints that say the same, while the citizen writes
  var text = document.getElementById("text");
  var similar = document.getElementById("similar");
  if (text && similar) {
    var timer = null;
    var look = function () {
      var value = text.value.trim();
      if (value.length < 30) { similar.hidden = true; return; }
      // the page's language, not the browser's: the status words must match the page
      var query = "text=" + encodeURIComponent(value.slice(0, 2000)) + "&lang=" + encodeURIComponent(document.documentElement.lang || "id") +
        (region && region.value ? "&region_code=" + encodeURIComponent(region.value) : "");
      fetch("/api/v1/complaints/similar?" + query, { headers: { "Accept": "application/json" } })
        .then(function (answer) { return answer.ok ? answer.json() : []; })
        .then(function (found) {
          var list = similar.querySelector("ul");
          list.textContent = "";
          found.forEach(function (item) {
            var entry = document.createElement("li");
            var link = document.createElement("a");
            link.href = "/lacak/" + item.tracking_code;
            link.textContent = item.title || item.excerpt;
            entry.appendChild(link);
            var note = document.createElement("small");
            note.textContent = " — " + item.status_label + " · " + similar.dataset.similarity.replace("{n}", Math.round(item.similarity * 100));
            entry.appendChild(note);
            list.appendChild(entry);
          });
          similar.hidden = found.length === 0;
        })
        .catch(function () { similar.hidden = true; });
    };
    text.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(look, 700); });
  }
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
