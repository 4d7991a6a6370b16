// Preselect the browser's time zone in a zone picker the person has not chosen yet.
document.addEventListener("DOMContentLoaded", () => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  document.querySelectorAll("select[data-browser-timezone]").forEach((select) => {
    if ([...select.options].some((option) => option.value === zone)) select.value = zone;
  });
});
