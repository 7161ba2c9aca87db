// The intake form without a page load for "add another": the button is a submit button that asks the server
// for one more row (it works without JavaScript); here it copies the formset's empty row in place instead.
// Also: a referral's agencies narrowed to its need, and a suspect named "PT ..." taken as a company; without
// JavaScript the whole list shows and the server checks that the agency receives the need.
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

  // A suspect named "PT ..." or "CV ..." is a company: the row switches to one and says why, beside the choice
  // it made, until the user picks a kind themselves (never overridden after that).
  var COMPANY_NAME = /^(PT|CV)\.?\s+\S/i;

  function proposeKind(row, name) {
    if (row.dataset.kindChosen) return;
    var person = row.querySelector("input[name$='-kind'][value=PERSON]");
    var organisation = row.querySelector("input[name$='-kind'][value=ORGANISATION]");
    var note = row.querySelector("[data-kind-proposed]");
    if (!person || !organisation) return;
    var company = COMPANY_NAME.test(name.value.trim());
    if (company && !organisation.checked) {
      organisation.checked = true;
      row.dataset.kindProposed = "1";
    } else if (!company && row.dataset.kindProposed) {
      person.checked = true;
      delete row.dataset.kindProposed;
    }
    if (note) note.hidden = !row.dataset.kindProposed;
    syncSuspect(row);
  }

  // The agencies of a referral narrowed to its need (the options carry the needs each agency receives); when
  // exactly one agency of the case's province (its origin region once chosen, else the reader's) serves the
  // need and the user has chosen none, it is selected and the row says it was proposed.
  function provinceFor(select) {
    var origin = select.form && select.form.querySelector("[name=origin_region]");
    var code = origin && origin.value ? origin.value.split(".")[0] : "";
    return code || select.dataset.homeProvince || "";
  }

  function narrow(select) {
    var needField = select.form && select.form.elements[select.dataset.needFrom];
    var need = needField ? needField.value : "";
    var options = Array.prototype.slice.call(select.options);
    options.forEach(function (option) {
      if (!option.value) return;
      var serves = !need || (option.dataset.needs || "").split(" ").indexOf(need) !== -1;
      option.hidden = !serves;
      option.disabled = !serves;
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !Array.prototype.some.call(group.children, function (o) { return !o.disabled; });
    });
    var proposedBefore = select.value && select.value === select.dataset.proposed;
    if (select.selectedIndex > 0 && select.options[select.selectedIndex].disabled) select.value = "";
    if (proposedBefore) select.value = "";
    delete select.dataset.proposed;
    if (need && !select.value) {
      var province = provinceFor(select);
      var local = options.filter(function (o) {
        return o.value && !o.disabled && province && o.dataset.province === province;
      });
      if (local.length === 1) {
        select.value = local[0].value;
        select.dataset.proposed = local[0].value;
      }
    }
    var row = select.closest(".referral-row");
    var note = row && row.querySelector("[data-agency-proposed]");
    if (note) note.hidden = !select.dataset.proposed;
  }

  function narrowWithin(root) {
    root.querySelectorAll("select[data-need-from]").forEach(narrow);
  }

  document.addEventListener("input", function (event) {
    var row = event.target.closest("[data-suspect-row]");
    if (row && /-name$/.test(event.target.name || "")) proposeKind(row, event.target);
  });

  document.addEventListener("change", function (event) {
    var target = event.target;
    var name = target.name || "";
    var row = target.closest("[data-suspect-row]");
    if (row && /-kind$/.test(name) && event.isTrusted) {
      row.dataset.kindChosen = "1";
      delete row.dataset.kindProposed;
      var note = row.querySelector("[data-kind-proposed]");
      if (note) note.hidden = true;
    }
    if (target.matches("select[data-need-from]")) {
      delete target.dataset.proposed;
      var agencyRow = target.closest(".referral-row");
      var agencyNote = agencyRow && agencyRow.querySelector("[data-agency-proposed]");
      if (agencyNote) agencyNote.hidden = true;
      return;
    }
    document.querySelectorAll("select[data-need-from]").forEach(function (select) {
      if (name === select.dataset.needFrom) narrow(select);
    });
  });

  // The origin region picker says so when a region is chosen: the province, and so the proposal, may change.
  document.addEventListener("region-chosen", function () {
    document.querySelectorAll("select[data-need-from]").forEach(narrow);
  });

  document.addEventListener("sinergi:content", function (event) {
    if (event.detail && event.detail.querySelectorAll) narrowWithin(event.detail);
  });

  narrowWithin(document);
})();

