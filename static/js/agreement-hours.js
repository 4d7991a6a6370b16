// The weekly hours editors' presets and "copy Monday", done in place. Without script the same
// buttons submit and the page comes back filled in, with nothing saved.
(() => {
  const PRESETS = {
    office: ["09:00", "17:00"],
    evenings: ["18:00", "21:00"],
    clear: null,
  };
  const WEEKDAYS = [0, 1, 2, 3, 4];
  const form = document.querySelector(".terms-form");
  if (!form || !form.querySelector("[data-hours-day]")) return;
  const inputsOf = (day) => [...form.querySelectorAll(`[data-hours-day='${day}'] input[type=time]`)];
  const fill = (day, values) => {
    const inputs = inputsOf(day);
    inputs.forEach((input, i) => {
      input.value = values[i] || "";
    });
    const more = form.querySelector(`[data-hours-day='${day}'] details`);
    if (more && values.slice(2).some(Boolean)) more.open = true;
  };
  const apply = (action) => {
    if (action === "copy_monday") {
      const monday = inputsOf(0).map((input) => input.value);
      WEEKDAYS.slice(1).forEach((day) => fill(day, monday));
      return true;
    }
    if (!(action in PRESETS)) return false;
    for (let day = 0; day < 7; day += 1) {
      const hours = PRESETS[action];
      fill(day, hours && WEEKDAYS.includes(day) ? hours : []);
    }
    return true;
  };
  form.addEventListener("click", (event) => {
    const button = event.target.closest("button[name=hours_action]");
    if (button && apply(button.value)) event.preventDefault();
  });
})();
