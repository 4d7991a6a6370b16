// Offer to copy Monday's contact hours to Tuesday–Friday; without script each day is typed.
(() => {
  const form = document.querySelector(".terms-form");
  const monday = form?.querySelector("[data-hours-day='0']");
  if (!monday) return;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary outline";
  button.textContent = monday.dataset.copyLabel;
  button.addEventListener("click", () => {
    const times = [...monday.querySelectorAll("input[type=time]")].map((input) => input.value);
    for (let day = 1; day <= 4; day += 1) {
      form.querySelectorAll(`[data-hours-day='${day}'] input[type=time]`).forEach((input, i) => {
        input.value = times[i];
      });
    }
  });
  monday.append(button);
})();
