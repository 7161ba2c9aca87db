// The intake form without a page load for "add another": the button is a submit button that asks the server
// for one more row (it works without JavaScript); here it copies the formset's empty row in place instead.
(function () {
  function syncSuspect(row) {
    var organisation = row.querySelector("input[name$='-kind'][value=ORGANISATION]");
    var isOrganisation = Boolean(organisation && organisation.checked);
    row.querySelectorAll("[data-suspect-person]").forEach(function (el) { el.hidden = isOrganisation; });
    row.querySelectorAll("[data-suspect-organisation]").forEach(function (el) { el.hidden = !isOrganisation; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-formset-add]");
    if (!button) return;
    var prefix = button.dataset.formsetAdd;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var max = document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
    var template = document.getElementById(prefix + "-empty");
    var rows = document.getElementById(prefix + "-rows");
    if (!total || !template || !rows) return;
    var index = parseInt(total.value, 10);
    if (max && index >= parseInt(max.value, 10)) return;  // the server answers with its own message
    event.preventDefault();
    rows.insertAdjacentHTML(
      "beforeend",
      template.innerHTML.replace(/__prefix__/g, String(index)).replace(/__num__/g, String(index + 1))
    );
    total.value = String(index + 1);
    var row = rows.lastElementChild;
    if (row.hasAttribute("data-suspect-row")) syncSuspect(row);
    document.dispatchEvent(new CustomEvent("sinergi:content", { detail: row }));
    var first = row.querySelector("input:not([type=hidden]):not([type=radio]), select, textarea");
    if (first) first.focus();
  });

  document.addEventListener("change", function (event) {
    var row = event.target.closest("[data-suspect-row]");
    if (row && /-kind$/.test(event.target.name || "")) syncSuspect(row);
  });

  document.querySelectorAll("[data-suspect-row]").forEach(syncSuspect);
})();
