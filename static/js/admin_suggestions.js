// The suggestions at the top of an article's change page act without reloading it: each
// suggestion's form is posted with fetch and the panel is drawn again from the answer.
// What the editor typed in the article's form stays. Without this script each form
// posts and the page reloads with a message, as before.
(function () {
  "use strict";

  function articleForm() {
    return document.getElementById("article_form");
  }

  function addMention(actor) {
    // The article's own list of mentions: saving the form keeps the actor just added.
    var select = document.getElementById("id_mentioned_actors");
    if (!select) return;
    var option = select.querySelector('option[value="' + actor.id + '"]');
    if (!option) {
      option = new Option(actor.name, actor.id, true, true);
      select.appendChild(option);
    }
    option.selected = true;
    if (window.django && window.django.jQuery) {
      window.django.jQuery(select).trigger("change");
    }
  }

  function answered(panel, data) {
    var wrapper = document.createElement("div");
    wrapper.innerHTML = data.html;
    var fresh = wrapper.querySelector("[data-suggestions]");
    panel.replaceWith(fresh);
    var status = fresh.querySelector("[data-suggestions-status]");
    status.textContent = data.message;
    status.className = "suggestions-status " + data.level;
    status.setAttribute("tabindex", "-1");
    status.focus();
    var form = articleForm();
    if (data.version && form) {
      form.querySelector("input[name=opened_version]").value = data.version;
    }
    if (data.mentioned) addMention(data.mentioned);
    (data.statements || []).forEach(movedStatement);
  }

  function movedStatement(statement) {
    // A statement linked to an event here moved to a new version: its row in the form
    // below takes it, unless the row was already out of date (then saving it warns).
    var id = document.querySelector(
      '#statements-group input[name$="-id"][value="' + statement.id + '"]'
    );
    if (!id) return;
    var prefix = id.name.slice(0, -"-id".length);
    var version = document.querySelector('input[name="' + prefix + '-opened_version"]');
    if (version && version.value === String(statement.from)) {
      version.value = statement.version;
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var panel = form.closest("[data-suggestions]");
    if (!form.matches("form[data-suggestion]") || !panel || !window.fetch) return;
    event.preventDefault();
    var body = new FormData(form);
    var article = articleForm();
    var version = article && article.querySelector("input[name=opened_version]");
    if (version) body.append("opened_version", version.value);
    form.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) throw new Error("not an answer of ours");
        return response.json();
      })
      .then(function (data) { answered(panel, data); })
      .catch(function () { form.submit(); }); // the page's own way: post and reload
  });
})();
