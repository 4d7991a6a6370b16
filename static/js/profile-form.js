// Show only the sections that fit the chosen role; without script every section shows.
(() => {
  const form = document.querySelector(".profile-form");
  if (!form) return;
  const sections = form.querySelectorAll("[data-role-section]");
  const update = () => {
    const role = form.querySelector("input[name=role]:checked")?.value;
    sections.forEach((section) => {
      const wanted = section.dataset.roleSection;
      section.hidden = Boolean(role) && role !== "both" && role !== wanted;
    });
  };
  form.addEventListener("change", (event) => {
    if (event.target.name === "role") update();
  });
  update();
})();
