// The filter forms of the lists (templates/includes/filter_form.html). Progressive
// enhancement only: without this script the form submits as it is and the server ignores
// its empty fields.
(function () {
  "use strict";
  // Submit only the fields that say something: `?speaker=a&kind=quote`, not a URL that
  // repeats every empty field of the form, nor the default order (data-default).
  document.querySelectorAll("form[data-drop-empty]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var defaults = {};
      form.querySelectorAll("[data-default]").forEach(function (field) {
        defaults[field.name] = field.dataset.default;
      });
      var params = new URLSearchParams();
      new FormData(form).forEach(function (value, name) {
        if (typeof value !== "string" || value.trim() === "") return;
        if (defaults[name] === value) return;
        params.append(name, value);
      });
      var query = params.toString();
      window.location.assign(form.getAttribute("action") + (query ? "?" + query : ""));
    });
  });
  // A wide screen shows the form beside the results: open its panel where the browser
  // does not support the stylesheet's ::details-content.
  var wide = window.matchMedia("(min-width: 52rem)");
  function unfold() {
    if (!wide.matches) return;
    document.querySelectorAll("details.filter-panel").forEach(function (panel) {
      panel.open = true;
    });
  }
  unfold();
  wide.addEventListener("change", unfold);
})();
