// Desa100's own scripts. No inline scripts: the content security policy allows only this origin.
"use strict";

// <form data-confirm="Are you sure?">: ask before submitting.
document.addEventListener("submit", (event) => {
  const question = event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// A picked village (<button data-pick-code data-pick-target="id_regions">) is added to its code list.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-pick-code]");
  if (!button) return;
  const box = document.getElementById(button.dataset.pickTarget);
  const codes = box.value.split(/[\s,;]+/).filter(Boolean);
  if (!codes.includes(button.dataset.pickCode)) codes.push(button.dataset.pickCode);
  box.value = codes.join("\n");
  button.classList.add("active");
});

// Enter in a search-as-you-type box inside a form searches; it must not submit the form around it.
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && event.target.matches("input[hx-get]")) event.preventDefault();
});
