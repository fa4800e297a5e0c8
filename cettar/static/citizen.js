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
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
});
