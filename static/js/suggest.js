// Suggest actors as the reader types: fills the <datalist> of every input that names a
// suggestions endpoint (data-suggest). Without this script the field still takes a name,
// an alias or a slug; the list is only a help.
(function () {
  "use strict";
  document.querySelectorAll("input[data-suggest][list]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var asked = "";
    var timer = null;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var text = input.value.trim();
        if (text.length < 2 || text === asked) return;
        asked = text;
        fetch(input.dataset.suggest + "?q=" + encodeURIComponent(text), {
          headers: { Accept: "application/json" },
        })
          .then(function (response) { return response.ok ? response.json() : []; })
          .then(function (actors) {
            if (input.value.trim() !== text) return; // the reader typed on
            list.replaceChildren.apply(list, actors.map(function (actor) {
              var option = document.createElement("option");
              option.value = actor.slug;
              option.label = actor.name;
              option.textContent = actor.name;
              return option;
            }));
          })
          .catch(function () {});
      }, 120);
    });
  });
})();
