// Progressive enhancement: a "Copy" button beside each citation. Without JS the
// citations are plain selectable text.
document.addEventListener("DOMContentLoaded", function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (block) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy " + block.getAttribute("data-copy"));
    var status = document.createElement("span");
    status.className = "copy-status";
    status.setAttribute("role", "status");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(block.querySelector("pre").textContent).then(
        function () { status.textContent = "Copied"; },
        function () { status.textContent = "Select the text and copy it"; }
      );
    });
    block.querySelector(".copy-row").append(button, status);
  });
});
