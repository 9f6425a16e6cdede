// Header menus (<details data-menu>, e.g. the "⋯" menu of the canvas page): a click elsewhere or
// Esc closes them; Esc gives the focus back to the menu's button.

export function setupMenus() {
  const openMenus = () => document.querySelectorAll("details[data-menu][open]");
  document.addEventListener("click", (event) => {
    openMenus().forEach((menu) => {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    openMenus().forEach((menu) => {
      menu.removeAttribute("open");
      menu.querySelector("summary")?.focus();
    });
  });
}
