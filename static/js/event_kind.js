// Admin, event form: choosing a diplomatic kind proposes its usual CAMEO code (the editor
// may pick another); choosing any other kind empties the code, which only diplomatic
// events carry. The defaults come from the server (Event.DEFAULT_CAMEO_CODES).
document.addEventListener("DOMContentLoaded", () => {
  const kind = document.getElementById("id_kind");
  const code = document.getElementById("id_cameo_code");
  if (!kind || !code) return;
  const defaults = JSON.parse(kind.dataset.cameoDefaults || "{}");
  kind.addEventListener("change", () => {
    code.value = defaults[kind.value] || "";
  });
});
